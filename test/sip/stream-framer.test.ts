import t from 'tap';
import { createStreamFramer, parseContentLength } from '../../src/sip/stream-framer.js';

const head = (...headers: string[]) => ['OPTIONS sip:a@office.test SIP/2.0', 'Call-ID: x', ...headers].join('\r\n');

t.test('Content-Length of a header block', async (t) => {
  const cases: [string, ReturnType<typeof parseContentLength>][] = [
    [head('Content-Length: 5'), { ok: true, value: 5 }],
    [head('l: 0'), { ok: true, value: 0 }],
    [head('content-length   :   12  '), { ok: true, value: 12 }],
    [head('Content-Length: 5', 'Content-Length: 5'), { ok: true, value: 5 }],
    [head('Content-Length: 05', 'l: 5'), { ok: true, value: 5 }],
    [head(), { ok: false, problem: 'missing' }],
    [head('Content-Length: 5', 'Content-Length: 7'), { ok: false, problem: 'conflicting' }],
    [head('Content-Length: 5, 7'), { ok: false, problem: 'conflicting' }],
    [head('Content-Length: 5', 'l: 0'), { ok: false, problem: 'conflicting' }],
    [head('Content-Length: five'), { ok: false, problem: 'invalid' }],
    [head('Content-Length: -1'), { ok: false, problem: 'invalid' }],
    [head('Content-Length:'), { ok: false, problem: 'invalid' }],
    [head('X-Content-Length: 5'), { ok: false, problem: 'missing' }],
    // The start line is not a header, even if it looks like one.
    ['l: 5\r\nCall-ID: x', { ok: false, problem: 'missing' }],
  ];
  for (const [text, expected] of cases) t.same(parseContentLength(text), expected, JSON.stringify(text));
});

t.test('messages are cut by Content-Length, across chunks and several to a chunk', async (t) => {
  const one = `${head('Content-Length: 5')}\r\n\r\nhello`;
  const two = `${head('Content-Length: 0')}\r\n\r\n`;
  const framer = createStreamFramer(65_535);
  t.same(framer.push(one.slice(0, 10)), []);
  t.ok(framer.pending > 0, 'a partial message is pending');
  t.same(framer.push(one.slice(10) + '\r\n\r\n' + two + one.slice(0, 3)), [
    { kind: 'message', text: one },
    { kind: 'message', text: two },
  ]);
  t.same(framer.push(one.slice(3)), [{ kind: 'message', text: one }]);
  t.equal(framer.pending, 0, 'nothing pending between messages');
  t.same(framer.push('\r\n\r\n'), [], 'keep-alives between messages are skipped');
  t.equal(framer.pending, 0);
});

t.test('a message that cannot be framed ends the stream', async (t) => {
  for (const [headers, problem] of [
    [[], 'missing'],
    [['Content-Length: 1', 'Content-Length: 2'], 'conflicting'],
    [['Content-Length: x'], 'invalid'],
  ] as const) {
    const framer = createStreamFramer(65_535);
    const good = `${head('Content-Length: 0')}\r\n\r\n`;
    t.same(framer.push(`${good}${head(...headers)}\r\n\r\n${good}`), [
      { kind: 'message', text: good },
      { kind: 'bad-length', head: head(...headers), problem },
    ]);
    t.same(framer.push(good), [], 'nothing is read after it');
  }
});

t.test('too large: headers without an end, or a body past the limit', async (t) => {
  const framer = createStreamFramer(100);
  t.same(framer.push('x'.repeat(101)), [{ kind: 'too-large' }]);
  t.same(framer.push('more'), []);
  t.same(createStreamFramer(100).push(`${head('Content-Length: 90')}\r\n\r\n`), [{ kind: 'too-large' }]);
});
