import t from 'tap';
import { render } from 'ink-testing-library';
import { AddPhoneWizard } from '../../src/tui/add-phone-wizard.js';
import type { WizardAnswer } from '../../src/tui/wizard-answer.js';
import { CATALOGUE } from '../support/office.js';
import { KEY, delay, plain, press, type } from '../support/ink-keys.js';

function start() {
  const answers: (WizardAnswer | undefined)[] = [];
  const app = render(<AddPhoneWizard catalogue={CATALOGUE} onDone={(answer) => answers.push(answer)} />);
  return { app, answers, frame: () => plain(app.lastFrame()) };
}

t.test('filter the model list, type a MAC with live feedback, pick lan', async (t) => {
  const { app, answers, frame } = start();
  t.teardown(() => app.unmount());
  await delay();
  t.match(frame(), /❯ yealink-t54w/, 'the first model is highlighted');
  t.match(frame(), /snom-d717/);
  await type(app, 'vvx');
  t.match(frame(), /Model: vvx/);
  t.match(frame(), /❯ poly-vvx250/, 'the filter leaves the matching model, highlighted');
  t.notMatch(frame(), /yealink-t54w/, 'models that do not match are gone');
  await press(app, KEY.enter);
  t.match(frame(), /Model: poly-vvx250 ✓/);

  await type(app, '00:15:65');
  t.match(frame(), /✗ 6 of 12 hex digits/, 'an incomplete MAC says how far along it is');
  await press(app, KEY.enter);
  t.match(frame(), /MAC: 00:15:65/, 'Enter on an invalid MAC stays on the MAC step');
  t.notMatch(frame(), /Connection:/);
  await type(app, ':zz');
  t.match(frame(), /✗ "z" is not a hex digit/);
  await press(app, KEY.backspace, KEY.backspace, KEY.backspace);
  await type(app, ':AA:BB:CC');
  t.match(frame(), /✓ valid \(00:15:65:aa:bb:cc\)/);
  await press(app, KEY.enter);

  t.match(frame(), /❯ lan/);
  await press(app, KEY.enter);
  t.same(answers, [{ model: 'poly-vvx250', mac: '00:15:65:aa:bb:cc', connection: 'lan' }]);
});

t.test('arrow keys move through the models and connections', async (t) => {
  const { app, answers, frame } = start();
  t.teardown(() => app.unmount());
  await delay();
  await press(app, KEY.down, KEY.down, KEY.up, KEY.down);
  t.match(frame(), /❯ poly-vvx250/, 'third model highlighted');
  await press(app, KEY.enter);
  await type(app, '0015.65aa.bbcc');
  t.match(frame(), /✓ valid/);
  await press(app, KEY.enter, KEY.down, KEY.down, KEY.down);
  t.match(frame(), /❯ direct/, 'the highlight stops at the last connection');
  await press(app, KEY.enter);
  t.same(answers, [{ model: 'poly-vvx250', mac: '00:15:65:aa:bb:cc', connection: 'direct' }]);
});

t.test('sbc asks for HOST:PORT and will not finish without one', async (t) => {
  const { app, answers, frame } = start();
  t.teardown(() => app.unmount());
  await delay();
  await press(app, KEY.enter);
  await type(app, '001565000001');
  await press(app, KEY.enter, KEY.down);
  t.match(frame(), /❯ sbc/);
  await press(app, KEY.enter);
  t.match(frame(), /SBC \(HOST:PORT\):/);
  await type(app, 'sbc.example.net');
  t.match(frame(), /✗ add the port: HOST:PORT/);
  await press(app, KEY.enter);
  t.same(answers, [], 'no answer without a port');
  await type(app, ':99999');
  t.match(frame(), /✗ port 99999 is out of range/);
  await press(app, ...Array(5).fill(KEY.backspace));
  await type(app, '5060');
  t.match(frame(), /✓ valid/);
  await press(app, KEY.enter);
  t.same(answers, [
    { model: 'yealink-t54w', mac: '00:15:65:00:00:01', connection: 'sbc', sbc: 'sbc.example.net:5060' },
  ]);
});

t.test('Esc cancels from any step and hands back nothing', async (t) => {
  for (const steps of [[], [KEY.enter], [KEY.enter, ...'001565000001'.split(''), KEY.enter]]) {
    const { app, answers } = start();
    await delay();
    await press(app, ...steps, KEY.escape);
    t.same(answers, [undefined], `Esc after ${steps.length} keys`);
    app.unmount();
  }
});

t.test('a filter that matches nothing says so and Enter does nothing', async (t) => {
  const { app, answers, frame } = start();
  t.teardown(() => app.unmount());
  await delay();
  await type(app, 'cisco');
  t.match(frame(), /no model matches "cisco"/);
  await press(app, KEY.enter);
  t.match(frame(), /Model: cisco/);
  t.same(answers, []);
});

t.test('a MAC already in the pool is marked at once, and Enter stays', async (t) => {
  const answers: (WizardAnswer | undefined)[] = [];
  const taken = new Map([['001565aabbcc', 'HD0004']]);
  const app = render(<AddPhoneWizard catalogue={CATALOGUE} taken={taken} onDone={(answer) => answers.push(answer)} />);
  t.teardown(() => app.unmount());
  const frame = () => plain(app.lastFrame());
  await delay();
  await press(app, KEY.enter);
  await type(app, '00:15:65:aa:bb:cc');
  t.match(
    frame(),
    /✗ HD0004 already has this MAC \(hotdesk remove-phone HD0004 first to replace it\)/,
    'invalid as soon as it is typed',
  );
  t.notMatch(frame(), /✓ valid/);
  await press(app, KEY.enter);
  t.notMatch(frame(), /Connection:/, 'Enter stays on the MAC step');
  t.same(answers, []);
  await press(app, KEY.backspace);
  await type(app, 'd');
  t.match(frame(), /✓ valid \(00:15:65:aa:bb:cd\)/, 'another MAC is fine');
});

t.test('Esc: one line says it was cancelled, and that nothing was added', async (t) => {
  const { app, answers, frame } = start();
  t.teardown(() => app.unmount());
  await delay();
  await press(app, KEY.escape);
  t.same(answers, [undefined]);
  t.equal(
    frame()
      .split('\n')
      .filter((line) => /cancel/i.test(line) && !/Esc cancels/.test(line))
      .join('|'),
    'Cancelled, nothing added.',
    'one line says it (the CLI adds none)',
  );
});

t.test('a model typed in part (snom-d7) is asked about, not picked silently', async (t) => {
  const answers: (WizardAnswer | undefined)[] = [];
  const catalogue = [
    { id: 'snom-d712', vendor: 'snom', name: 'D712', keys: 4 },
    { id: 'snom-d717', vendor: 'snom', name: 'D717', keys: 3 },
    { id: 'snom-d785', vendor: 'snom', name: 'D785', keys: 24 },
    { id: 'yealink-t54w', vendor: 'yealink', name: 'T54W', keys: 27 },
  ] as const;
  const app = render(<AddPhoneWizard catalogue={[...catalogue]} onDone={(answer) => answers.push(answer)} />);
  t.teardown(() => app.unmount());
  const frame = () => plain(app.lastFrame());
  await delay();
  await type(app, 'snom-d7');
  await press(app, KEY.enter);
  t.match(
    frame(),
    /"snom-d7" is not one model but 3: which one\? ↑↓ choose, Enter picks the highlighted one/,
    'the wizard asks',
  );
  t.match(frame(), /Model: snom-d7/, 'and stays on the model step');
  t.notMatch(frame(), /MAC:/);
  await press(app, KEY.down);
  await press(app, KEY.enter);
  t.match(frame(), /Model: snom-d717 ✓/, 'the model chosen');
});
