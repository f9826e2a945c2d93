import t from 'tap';
import { render } from 'ink-testing-library';
import { Text } from 'ink';
import { useEmergencyAlerts } from '../../src/tui/use-emergency-alerts.js';
import type { StoreData } from '../../src/store/schema.js';
import { emptyOffice } from '../support/office.js';

function Alerts({ data, refreshMs }: { data: StoreData | undefined; refreshMs: number }) {
  const alerts = useEmergencyAlerts(data, refreshMs);
  return <Text>{alerts.length === 0 ? 'none' : alerts.join(' | ')}</Text>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

t.test('an alert leaves when its hour is over, with no store change', async (t) => {
  // Made 59 minutes 58 seconds ago: it has 2 s left.
  const at = new Date(Date.now() - 60 * 60_000 + 2000).toISOString();
  const data = { ...emptyOffice(), emergency: { active: [{ at, number: '112', account: 'HD0001', phone: 'HD0001' }] } };
  const app = render(<Alerts data={data} refreshMs={50} />);
  t.teardown(() => app.unmount());
  t.equal(app.lastFrame(), 'emergency call from desk HD0001, to 112');
  await sleep(3000);
  t.equal(app.lastFrame(), 'none');
});

t.test('no store yet: no alerts', async (t) => {
  const app = render(<Alerts data={undefined} refreshMs={50} />);
  t.teardown(() => app.unmount());
  t.equal(app.lastFrame(), 'none');
});
