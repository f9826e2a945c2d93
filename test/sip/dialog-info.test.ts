import t from 'tap';
import {
  buildDialogInfo,
  DIALOG_INFO_NAMESPACE,
  escapeXmlAttribute,
  escapeXmlText,
  identityUri,
  type DialogInfoDialog,
} from '../../src/sip/dialog-info.js';
import { applyCallEvent, emptyDialogs, type CallEvent, type DialogState } from '../../src/sip/dialog-state.js';
import {
  applySubscribe,
  emptySubscriptions,
  expireSubscriptions,
  notifyChanges,
  type NotifyEffect,
  type SubscribeInput,
} from '../../src/sip/subscriptions.js';

// ---------------------------------------------------------------------------
// A tiny XML 1.0 well-formedness checker (no DTDs): returns the element tree
// with attribute values and text decoded as an XML parser would, or throws.
// ---------------------------------------------------------------------------

interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const XML_CHAR = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeReferences(raw: string): string {
  return raw.replace(/&([^;&<]*);|&/g, (whole, body: string | undefined) => {
    if (body === undefined) throw new Error(`bare & in ${JSON.stringify(raw)}`);
    const numeric = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(body);
    if (numeric) {
      const code = parseInt(numeric[1] ?? numeric[2]!, numeric[1] ? 16 : 10);
      const char = code <= 0x10ffff ? String.fromCodePoint(code) : '';
      if (!char || !XML_CHAR.test(char) || (code >= 0xd800 && code <= 0xdfff))
        throw new Error(`reference to a non-character ${whole}`);
      return char;
    }
    const named = PREDEFINED[body];
    if (named === undefined) throw new Error(`undeclared entity ${whole}`);
    return named;
  });
}

function parseXml(input: string): XmlElement {
  if (!XML_CHAR.test(input)) throw new Error('a character XML does not allow');
  let at = 0;
  const rest = () => input.slice(at);
  const expect = (pattern: RegExp, what: string): RegExpExecArray => {
    const match = pattern.exec(rest());
    if (!match || match.index !== 0)
      throw new Error(`expected ${what} at ${at}: ${JSON.stringify(rest().slice(0, 30))}`);
    at += match[0].length;
    return match;
  };
  const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*/;
  const skipMisc = () => {
    for (;;) {
      at += /^\s*/.exec(rest())![0].length;
      if (rest().startsWith('<!--')) expect(/^<!--(?:[^-]|-[^-])*-->/, 'a comment');
      else if (rest().startsWith('<?') && !/^<\?xml[\s?]/i.test(rest()))
        expect(/^<\?[A-Za-z_][^?]*(?:\?(?!>)[^?]*)*\?>/, 'a processing instruction');
      else return;
    }
  };
  const element = (): XmlElement => {
    expect(/^</, '<');
    const name = expect(NAME, 'an element name')[0];
    const attributes: Record<string, string> = {};
    for (;;) {
      const end = /^\s*(\/?>)/.exec(rest());
      if (end) {
        at += end[0].length;
        if (end[1] === '/>') return { name, attributes, children: [], text: '' };
        break;
      }
      expect(/^\s+/, 'whitespace before an attribute');
      const attribute = expect(NAME, 'an attribute name')[0];
      const [, , raw] = expect(/^\s*=\s*(["'])((?:(?!\1)[^<])*)\1/, `a quoted value for ${attribute}`);
      if (attribute in attributes) throw new Error(`attribute ${attribute} twice`);
      // XML §3.3.3: literal white space in a value becomes a space; references survive.
      attributes[attribute] = decodeReferences(raw!.replace(/\r\n?/g, '\n').replace(/[\t\n]/g, ' '));
    }
    const children: XmlElement[] = [];
    let text = '';
    for (;;) {
      if (rest().startsWith('</')) {
        const closing = expect(/^<\/([A-Za-z_:][-A-Za-z0-9_:.]*)\s*>/, 'an end tag')[1];
        if (closing !== name) throw new Error(`<${name}> closed by </${closing}>`);
        return { name, attributes, children, text };
      }
      if (rest().startsWith('<!--')) expect(/^<!--(?:[^-]|-[^-])*-->/, 'a comment');
      else if (rest().startsWith('<![CDATA[')) text += expect(/^<!\[CDATA\[([\s\S]*?)\]\]>/, 'a CDATA section')[1];
      else if (rest().startsWith('<')) children.push(element());
      else if (rest() === '') throw new Error(`<${name}> never closed`);
      else {
        const raw = expect(/^[^<]+/, 'text')[0];
        if (raw.includes(']]>')) throw new Error(']]> in text');
        text += decodeReferences(raw.replace(/\r\n?/g, '\n'));
      }
    }
  };
  expect(
    new RegExp(
      String.raw`^(?:<\?xml\s+version\s*=\s*(["'])1\.\d+\1` +
        String.raw`(?:\s+encoding\s*=\s*(["'])[A-Za-z][-\w.]*\2)?` +
        String.raw`(?:\s+standalone\s*=\s*(["'])(?:yes|no)\3)?\s*\?>)?`,
    ),
    'an XML declaration',
  );
  skipMisc();
  const root = element();
  skipMisc();
  if (at !== input.length) throw new Error(`content after the root element: ${JSON.stringify(rest().slice(0, 30))}`);
  return root;
}

const child = (element: XmlElement, name: string): XmlElement | undefined =>
  element.children.find((c) => c.name === name);

t.test('the well-formedness checker itself accepts and refuses', async (t) => {
  const cases: [string, boolean][] = [
    ['<a/>', true],
    ['<?xml version="1.0"?>\n<a x="1" y=\'2\'><b>t &amp; &#x3C; &#60;</b><!-- c --><c/></a>\n', true],
    ['<a><![CDATA[<&>]]></a>', true],
    ['', false],
    ['<a>', false],
    ['<a></b>', false],
    ['<a/><b/>', false],
    ['text<a/>', false],
    ['<a>x & y</a>', false],
    ['<a>x < y</a>', false],
    ['<a>]]></a>', false],
    ['<a x="1" x="2"/>', false],
    ['<a x="<"/>', false],
    ['<a x="&"/>', false],
    ['<a x="1"y="2"/>', false],
    ['<a x=1/>', false],
    ['<a x="""/>', false],
    ['<a>&nbsp;</a>', false],
    ['<a>&#1;</a>', false],
    ['<a>\u0001</a>', false],
    ['<a>\uD800</a>', false],
    ['<?xml version="1.0"?><?xml version="1.0"?><a/>', false],
  ];
  for (const [xml, ok] of cases) {
    let error: unknown;
    try {
      parseXml(xml);
    } catch (caught) {
      error = caught;
    }
    t.equal(error === undefined, ok, `${JSON.stringify(xml)} ${ok ? 'is' : 'is not'} well-formed`);
  }
  t.same(parseXml('<a v="x&#9;y\tz&#10;">1 &lt; 2\r\n</a>'), {
    name: 'a',
    attributes: { v: 'x\ty z\n' },
    children: [],
    text: '1 < 2\n',
  });
});

// ---------------------------------------------------------------------------

const entity = 'sip:201@pbx.example';

t.test('an idle extension: the RFC 4235 form, no dialog elements', async (t) => {
  const body = buildDialogInfo({ entity, version: 0, state: 'full', dialogs: [] });
  t.equal(
    body,
    '<?xml version="1.0"?>\n<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="0" state="full" ' +
      'entity="sip:201@pbx.example"/>\n',
  );
  const root = parseXml(body);
  t.same(root, {
    name: 'dialog-info',
    attributes: { xmlns: DIALOG_INFO_NAMESPACE, version: '0', state: 'full', entity },
    children: [],
    text: '',
  });
});

t.test('a confirmed call, byte for byte', async (t) => {
  const body = buildDialogInfo({
    entity,
    version: 3,
    state: 'full',
    dialogs: [
      {
        id: '7',
        callId: 'a84b4c76e66710@pc33',
        localTag: '1928301774',
        remoteTag: '456248',
        direction: 'recipient',
        state: 'confirmed',
        remote: 'sip:100@pbx.example',
        remoteDisplay: 'Alice',
      },
    ],
  });
  t.equal(
    body,
    [
      '<?xml version="1.0"?>',
      '<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="3" state="full" entity="sip:201@pbx.example">',
      '  <dialog id="7" call-id="a84b4c76e66710@pc33" local-tag="1928301774" remote-tag="456248" ' +
        'direction="recipient">',
      '    <state>confirmed</state>',
      '    <remote>',
      '      <identity display="Alice">sip:100@pbx.example</identity>',
      '    </remote>',
      '  </dialog>',
      '</dialog-info>',
      '',
    ].join('\n'),
  );
  parseXml(body);
});

const shapes: [
  string,
  DialogInfoDialog,
  { attributes: Record<string, string>; state: string; stateEvent?: string; identity?: string },
][] = [
  ['only the required id and state', { id: '1', state: 'trying' }, { attributes: { id: '1' }, state: 'trying' }],
  [
    'initiator without tags yet',
    { id: '2', callId: 'c', direction: 'initiator', state: 'proceeding', remote: 'sip:300@pbx.example' },
    {
      attributes: { id: '2', 'call-id': 'c', direction: 'initiator' },
      state: 'proceeding',
      identity: 'sip:300@pbx.example',
    },
  ],
  [
    'a terminated dialog says why',
    { id: '3', state: 'terminated', reason: 'rejected' },
    { attributes: { id: '3' }, state: 'terminated', stateEvent: 'rejected' },
  ],
  [
    'a reason on a live dialog is left out',
    { id: '4', state: 'early', reason: 'error' },
    { attributes: { id: '4' }, state: 'early' },
  ],
  [
    'a bare number becomes a SIP URI in the entity domain',
    { id: '5', state: 'confirmed', remote: '0301234567' },
    { attributes: { id: '5' }, state: 'confirmed', identity: 'sip:0301234567@pbx.example' },
  ],
];

for (const [name, dialog, expected] of shapes) {
  t.test(`dialog element: ${name}`, async (t) => {
    const root = parseXml(buildDialogInfo({ entity, version: 1, state: 'partial', dialogs: [dialog] }));
    t.equal(root.attributes['state'], 'partial');
    const element = root.children[0]!;
    t.equal(root.children.length, 1);
    t.same(element.attributes, expected.attributes, 'absent attributes are omitted');
    const state = child(element, 'state')!;
    t.equal(state.text, expected.state);
    t.same(state.attributes, expected.stateEvent ? { event: expected.stateEvent } : {});
    const remote = child(element, 'remote');
    t.equal(remote && child(remote, 'identity')?.text, expected.identity);
    if (!expected.identity) t.equal(remote, undefined, 'no <remote> without a remote party');
    t.same(
      element.children.map((c) => c.name),
      expected.identity ? ['state', 'remote'] : ['state'],
      'RFC 4235 §4.1 order: state before remote',
    );
  });
}

const nasty = [
  'Tom & Jerry <tj@example>',
  'O\'Brien "the boss"',
  'a > b < c',
  '&amp; already escaped',
  ']]> and <![CDATA[',
  'tab\there, line\nfeed, carriage\rreturn, crlf\r\nend',
  '  leading and trailing  ',
  'Zoë 李 😀',
];

t.test('every value is escaped: what a parser reads back is what went in', async (t) => {
  for (const value of nasty) {
    const body = buildDialogInfo({
      entity: `sip:201@pbx.example;x=${value}`,
      version: 0,
      state: 'full',
      dialogs: [
        {
          id: value,
          callId: value,
          localTag: value,
          remoteTag: value,
          state: 'confirmed',
          remote: `sip:${value}`,
          remoteDisplay: value,
        },
      ],
    });
    const root = parseXml(body);
    const dialog = root.children[0]!;
    t.equal(root.attributes['entity'], `sip:201@pbx.example;x=${value}`, `entity ${JSON.stringify(value)}`);
    t.same(
      [
        dialog.attributes['id'],
        dialog.attributes['call-id'],
        dialog.attributes['local-tag'],
        dialog.attributes['remote-tag'],
      ],
      [value, value, value, value],
      `dialog attributes ${JSON.stringify(value)}`,
    );
    const identity = child(child(dialog, 'remote')!, 'identity')!;
    t.equal(identity.attributes['display'], value, `display ${JSON.stringify(value)}`);
    t.equal(identity.text, `sip:${value}`, `identity ${JSON.stringify(value)}`);
  }
});

t.test('characters XML cannot carry at all become U+FFFD, and the body stays well-formed', async (t) => {
  const value = 'a\u0000b\u0007c\u001Fd\uD800e\uFFFEf';
  const root = parseXml(
    buildDialogInfo({
      entity,
      version: 0,
      state: 'full',
      dialogs: [{ id: value, state: 'early', remote: value, remoteDisplay: value }],
    }),
  );
  const identity = child(child(root.children[0]!, 'remote')!, 'identity')!;
  t.equal(root.children[0]!.attributes['id'], 'a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFDf');
  t.equal(identity.attributes['display'], 'a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFDf');
  t.equal(identity.text, 'sip:a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFDf@pbx.example');
});

t.test('escape functions, case by case', async (t) => {
  const text: [string, string][] = [
    ['plain', 'plain'],
    ['a&b', 'a&amp;b'],
    ['<x>', '&lt;x&gt;'],
    ['"\'', '"\''],
    ['a\rb', 'a&#13;b'],
    ['a\nb\tc', 'a\nb\tc'],
    ['😀', '😀'],
  ];
  for (const [input, expected] of text) t.equal(escapeXmlText(input), expected, `text ${JSON.stringify(input)}`);
  const attribute: [string, string][] = [
    ['plain', 'plain'],
    ['a&b', 'a&amp;b'],
    ['<x>', '&lt;x&gt;'],
    ['say "hi"', 'say &quot;hi&quot;'],
    ["it's", 'it&apos;s'],
    ['a\tb\nc\rd', 'a&#9;b&#10;c&#13;d'],
  ];
  for (const [input, expected] of attribute)
    t.equal(escapeXmlAttribute(input), expected, `attribute ${JSON.stringify(input)}`);
});

t.test('identityUri', async (t) => {
  const cases: [string, string, string][] = [
    ['sip:100@pbx.example', entity, 'sip:100@pbx.example'],
    ['tel:+4930123', entity, 'tel:+4930123'],
    ['SIPS:100@x', entity, 'SIPS:100@x'],
    ['100', entity, 'sip:100@pbx.example'],
    ['100', 'sip:201@192.0.2.10:5070;transport=tcp', 'sip:100@192.0.2.10:5070'],
    ['100', 'sips:pbx.example', 'sip:100@pbx.example'],
    ['100', 'urn:x', 'sip:100'],
  ];
  for (const [remote, owner, expected] of cases)
    t.equal(identityUri(remote, owner), expected, `${remote} for ${owner}`);
});

// ---------------------------------------------------------------------------
// Every body the notifier sends in a whole BLF flow is well-formed.
// ---------------------------------------------------------------------------

t.test('every NOTIFY body of a whole BLF flow is well-formed, versions counting per subscription', async (t) => {
  let now = 1_000_000;
  let dialogs = emptyDialogs();
  let table = emptySubscriptions();
  const sent: NotifyEffect[] = [];
  const subscribe = (watcher: string, target: string, tag: string) => {
    const input: SubscribeInput = {
      callId: `sub-${watcher}-${target}`,
      fromTag: `f-${watcher}`,
      cseq: 1,
      event: 'dialog',
      accept: 'application/dialog-info+xml',
      expires: 600,
      subscriber: `sip:${watcher}@pbx.example`,
      contact: `sip:${watcher}@192.0.2.${watcher.slice(-1)}:5062`,
      routeSet: [],
      target,
      entity: `sip:${target}@pbx.example`,
    };
    const decision = applySubscribe(table, input, now, { dialogs, newTag: tag });
    if (decision.kind !== 'accept') throw new Error('refused');
    table = decision.table;
    sent.push(decision.notify);
  };
  const call = (extension: string, phase: DialogState, extra: Partial<CallEvent> = {}) => {
    const result = applyCallEvent(dialogs, {
      kind: 'call',
      callId: 'call-<1>&"x"',
      extension,
      direction: extension === '201' ? 'recipient' : 'initiator',
      remote: extension === '201' ? 'sip:100@pbx.example' : 'sip:201@pbx.example',
      remoteDisplay: 'R&D <"Lab">',
      phase,
      ...extra,
    });
    dialogs = result.table;
    const notified = notifyChanges(table, result.changed, now);
    table = notified.table;
    sent.push(...notified.notifies);
  };

  subscribe('101', '201', 't1');
  subscribe('102', '201', 't2');
  subscribe('103', '100', 't3');
  for (const [phase, tags] of [
    ['trying', {}],
    ['early', { localTag: 'to&1' }],
    ['confirmed', { localTag: 'to&1', remoteTag: "fr'1" }],
    ['terminated', { reason: 'remote-bye' }],
  ] as const) {
    now += 1000;
    call('201', phase, tags);
    call('100', phase, tags);
  }
  now += 600_000;
  const swept = expireSubscriptions(table, now, dialogs);
  sent.push(...swept.notifies);
  t.equal(swept.table.size, 0);

  t.equal(sent.length, 3 * 6, 'each watcher: subscribe, four changes, expiry');
  const versions = new Map<string, number[]>();
  for (const notify of sent) {
    const root = parseXml(notify.body);
    t.equal(root.name, 'dialog-info');
    t.equal(root.attributes['xmlns'], DIALOG_INFO_NAMESPACE);
    t.equal(root.attributes['version'], String(notify.version));
    t.equal(root.attributes['entity'], notify.subscription.entity);
    for (const dialog of root.children) t.equal(dialog.attributes['call-id'], 'call-<1>&"x"');
    versions.set(notify.subscription.key, [...(versions.get(notify.subscription.key) ?? []), notify.version]);
  }
  t.same(
    [...versions.values()],
    [
      [0, 1, 2, 3, 4, 5],
      [0, 1, 2, 3, 4, 5],
      [0, 1, 2, 3, 4, 5],
    ],
  );
});
