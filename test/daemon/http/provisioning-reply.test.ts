import t from 'tap';
import { plain, servedFile } from '../../../src/daemon/http/provisioning-reply.js';

const cases: [number, string][] = [
  [400, 'bad request\n'],
  [401, 'authentication required\n'],
  [403, 'forbidden\n'],
  [404, 'not found\n'],
  [405, 'method not allowed\n'],
  [429, 'too many requests\n'],
  [500, 'internal error\n'],
  [418, ''],
];

for (const [status, body] of cases)
  t.test(`a ${status} refusal is short plain text, never cached`, async (t) => {
    t.same(plain(status), {
      status,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
      body,
    });
  });

t.test('a refusal carries extra headers', async (t) => {
  t.match(plain(429, { 'Retry-After': '3' }), { headers: { 'Retry-After': '3', 'Cache-Control': 'no-store' } });
});

t.test('a served file is neither cached nor sniffed, and runs onSent only when given', async (t) => {
  const onSent = () => undefined;
  t.same(servedFile('application/xml', '<x/>', onSent), {
    status: 200,
    headers: { 'Content-Type': 'application/xml', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' },
    body: '<x/>',
    onSent,
  });
  t.notOk('onSent' in servedFile('text/plain', 'x'), 'no onSent');
});
