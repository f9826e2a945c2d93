import t from 'tap';
import type { Vendor } from '../../src/core/catalogue.js';
import { renderConfig, YEALINK_FIRST_LINE, type RenderResult } from '../../src/provisioning/render.js';
import type { PhoneView } from '../../src/provisioning/view-model.js';
import { asciiName, commonView, phoneView, shippedTemplate, VENDORS } from '../fixtures/provisioning/office.js';
import { readPhoneConfig, readYealink, validateXml } from '../fixtures/provisioning/read-config.js';

const snom = phoneView('snom', { user: '201' });
const yealink = phoneView('yealink', { user: '201' });

t.test('values are escaped for the vendor’s format', async (t) => {
  const template = '<%= it.account.displayName %>|<%= it.keys[2].label %>';
  const named = (name: string, vendor: Vendor): PhoneView => phoneView(vendor, { user: '201', name });
  t.same(renderConfig(template, named('A<b>&"c\'', 'snom'), { file: 'phone' }), {
    ok: true,
    text: 'A&lt;b&gt;&amp;&quot;c&apos;|Carol &amp; Co',
  });
  t.same(renderConfig(`${YEALINK_FIRST_LINE}\n${template}`, named('A<b>&"c\'', 'yealink'), { file: 'phone' }), {
    ok: true,
    text: `${YEALINK_FIRST_LINE}\nA<b>&"c'|Carol & Co`,
  });
});

t.test('templates see the view, the file kind and the vendor spelling', async (t) => {
  t.same(renderConfig('<%= it.file %> <%= it.phone.mac %> <%= it.spelled.fkeys[0].value %>', snom, { file: 'phone' }), {
    ok: true,
    text: 'phone 000413aabbcc speed *77*5*',
  });
  t.same(
    renderConfig('<% it.emergencyNumbers.forEach((n) => { -%>\n<%= n %>;\n<% }) -%>\n', commonView('snom'), {
      file: 'common',
    }),
    {
      ok: true,
      text: '112;\n911;\n',
    },
  );
});

t.test('template errors come back with their line, never as a throw', async (t) => {
  const cases: [string, string, RenderResult][] = [
    [
      'runtime error',
      'a\nb\n<%= it.nothing.here %>\n',
      { ok: false, error: { line: 3, message: "Cannot read properties of undefined (reading 'here')" } },
    ],
    ['unclosed tag', 'a\n\n<%= it.kind\n', { ok: false, error: { line: 3, message: 'unclosed tag' } }],
    ['unclosed string', 'a\n<%= "oops %>\n', { ok: false, error: { line: 2, message: 'unclosed string' } }],
    [
      'broken expression',
      'a\n<%= it.kind + %>\nb\n',
      { ok: false, error: { line: 2, message: "Unexpected token ')'" } },
    ],
    [
      'stray bracket after a good loop',
      'x\n<% for (const n of it.emergencyNumbers) { %>\n<%= n %>\n<% } %>\n<% ) %>\n',
      { ok: false, error: { line: 5, message: "Unexpected token ')'" } },
    ],
    [
      'no include of other files',
      'a\n\n\n<%~ include("/etc/passwd") %>\n',
      { ok: false, error: { line: 4, message: "Failed to get template '/etc/passwd'" } },
    ],
    ['a thrown value', 'a\n<% throw "boom" %>\n', { ok: false, error: { line: 2, message: 'boom' } }],
  ];
  for (const [name, template, expected] of cases) {
    t.same(renderConfig(template, snom, { file: 'phone' }), expected, name);
  }

  const open = renderConfig('ok\n<% if (it.kind) { %>\nx\n', snom, { file: 'phone' });
  t.equal(open.ok, false);
  t.equal(!open.ok && open.error.line, 2, 'a block never closed: the line that opens it');
  t.match(!open.ok && open.error.message, /does not compile/);
});

t.test('a Yealink file must start with the exact version line', async (t) => {
  for (const template of [
    '',
    '#!version:1.0.0.2\n',
    ' #!version:1.0.0.1\n',
    'account.1.enable = 1\n#!version:1.0.0.1\n',
  ]) {
    t.same(
      renderConfig(template, yealink, { file: 'phone' }),
      { ok: false, error: { line: 1, message: 'the first line must be exactly #!version:1.0.0.1' } },
      JSON.stringify(template),
    );
  }
  t.same(
    renderConfig('#!version:1.0.0.1\r\nx = 1\r\n', yealink, { file: 'phone' }),
    { ok: true, text: '#!version:1.0.0.1\nx = 1\n' },
    'a template saved with CRLF renders LF lines',
  );
  t.equal(renderConfig('', snom, { file: 'phone' }).ok, true, 'XML vendors have no such line');
});

t.test('injection through a display name', async (t) => {
  const names = [
    'Bob"/><x>',
    "Bob' evil='1",
    'Eve\naccount.1.password = x',
    'Mallory]]><!--',
    'Zoë & <Co>\u0000\u2028',
  ];
  for (const vendor of VENDORS) {
    for (const name of names) {
      const text = renderConfig(shippedTemplate(vendor, 'phone'), phoneView(vendor, { user: '201', name }), {
        file: 'phone',
      });
      if (!text.ok) {
        t.fail(`${vendor} ${asciiName(name)}: ${text.error.message}`);
        continue;
      }
      const config = readPhoneConfig(vendor, text.text);
      t.equal(config.password, 'sip-secret-201', `${vendor} ${asciiName(name)}: the password stays the extension's`);
      t.equal(config.user, '201');
      t.equal(
        config.displayName,
        name
          .replace(/[\u0000\u2028\n]/g, ' ')
          .replace(/\s+/g, ' ')
          .trim(),
        `${vendor} ${asciiName(name)}: read back as one line of text`,
      );
      if (vendor === 'yealink') {
        const file = readYealink(text.text);
        t.same(file.duplicates, [], 'no key set twice');
        t.same(file.strays, [], 'no line that is not a comment or key = value');
        const clean = readYealink(
          (
            renderConfig(shippedTemplate(vendor, 'phone'), phoneView(vendor, { user: '201' }), { file: 'phone' }) as {
              text: string;
            }
          ).text,
        );
        t.same([...file.values.keys()], [...clean.values.keys()], 'exactly the keys of a plain name');
      } else {
        t.equal(validateXml(text.text), true, `${vendor}: still well-formed`);
        t.notMatch(text.text, /<x>|evil='1|<!--[^>]*Mallory/, `${vendor}: nothing of the name became markup`);
      }
    }
  }
});

t.test('escaping holds even for a view that skipped the view model’s cleaning', async (t) => {
  const raw = (view: PhoneView, name: string): PhoneView => ({
    ...view,
    account: { ...view.account, displayName: name, label: name },
  });
  const yealinkText = renderConfig(
    shippedTemplate('yealink', 'phone'),
    raw(yealink, 'Eve\naccount.1.password = x\rsip.trust_ctrl = 0'),
    { file: 'phone' },
  );
  t.equal(yealinkText.ok, true);
  const file = readYealink((yealinkText as { text: string }).text);
  t.equal(file.values.get('account.1.password'), 'sip-secret-201');
  t.equal(file.values.get('account.1.display_name'), 'Eve account.1.password = x sip.trust_ctrl = 0');
  t.equal(file.values.has('sip.trust_ctrl'), false, 'no key injected');
  t.same(file.strays, []);

  const snomText = renderConfig(shippedTemplate('snom', 'phone'), raw(snom, 'Bob"/><x>\u0001'), { file: 'phone' });
  t.equal(snomText.ok && validateXml(snomText.text), true);
  t.equal(readPhoneConfig('snom', (snomText as { text: string }).text).displayName, 'Bob"/><x> ');
});
