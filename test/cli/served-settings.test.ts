/**
 * What phones are really told, from the CLI's side: a running hotdeskd's answer
 * to ping laid over the stored settings, or the stored settings alone; the
 * dashboard's data source shows the same.
 */
import t from 'tap';
import { mkdir } from 'node:fs/promises';
import { startControlServer, type Served } from '../../src/adapters/control-socket.js';
import { applyServed, askServed } from '../../src/cli/served-settings.js';
import { buildDeskSource } from '../../src/cli/tui-props.js';
import type { CliContext } from '../../src/cli/context.js';
import { provisioningUrl } from '../../src/store/queries.js';
import { emptyOffice } from '../support/office.js';
import { tempData } from '../support/temp-data.js';

const SERVED: Served = {
  address: '192.0.2.10',
  sipPort: 15460,
  httpPort: 18460,
  fromStore: {},
  overridden: { 'sip-port': '--sip-port', 'http-port': '--http-port' },
};

t.test('applyServed lays the served ports over the stored ones', async (t) => {
  const stored = emptyOffice();
  t.equal(applyServed(stored, undefined), stored, 'no hotdeskd: the store as it is');
  const served = applyServed(stored, SERVED);
  t.same([served.settings.sipPort, served.settings.httpPort], [15460, 18460]);
  t.same([stored.settings.sipPort, stored.settings.httpPort], [5060, 8088], 'the stored data is not changed');
  t.equal(provisioningUrl(served), 'http://192.0.2.10:18460/provisioning/tok-0123456789abcdef/');
  t.same(
    applyServed(stored, { address: '192.0.2.10', fromStore: {}, overridden: {} }).settings.httpPort,
    8088,
    'a port not served keeps the stored one',
  );
});

t.test('askServed: the running hotdeskd’s answer, or nothing', async (t) => {
  const paths = await tempData(t);
  await mkdir(paths.dir, { recursive: true });
  const office = emptyOffice();
  const context = { paths, read: async () => office } as unknown as CliContext;
  t.equal(await askServed(context), undefined, 'no daemon');
  const server = await startControlServer(paths.socket, async () => ({
    ok: true,
    pong: { pid: 1, version: '0.0.0', served: SERVED },
  }));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  t.same(await askServed(context), SERVED);

  const source = buildDeskSource(context);
  const loaded = await source.load();
  t.equal(
    provisioningUrl(loaded),
    'http://192.0.2.10:18460/provisioning/tok-0123456789abcdef/',
    'the dashboard shows the URL phones really use',
  );
});
