/**
 * Nonces cannot be replayed by eviction (real sockets, RFC 7616 §5.5):
 * hotdeskd runs with a small table of nonce counts; a phone registers, a
 * flood of registrations pushes its nonce's count out of the table, and the
 * captured REGISTER replayed afterwards (a new Via branch and Call-ID, from
 * another address, as an eavesdropper would send it) gets 401 with
 * stale=true, never 200.
 */
import t, { type Test } from 'tap';
import dgram from 'node:dgram';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import sip from 'sip';
import { startDaemon } from '../../src/daemon/main.js';
import { createLogger } from '../../src/adapters/log.js';
import { serializeStore } from '../../src/store/migrate.js';
import type { SipResponse } from '../../src/sip/message.js';
import { addExtension, office } from '../support/office.js';
import { tempDir } from '../support/temp-data.js';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** A bare UDP SIP client on `address` that sends wire text and waits for the response to its branch. */
async function rawClient(t: Test, address: string, server: { address: string; port: number }) {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, address, () => resolve()));
  t.teardown(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  const port = socket.address().port;
  const waiting = new Map<string, (response: SipResponse) => void>();
  socket.on('message', (bytes) => {
    const message = sip.parse(bytes) as SipResponse | undefined;
    if (!message || !('status' in message) || message.status < 200) return;
    const branch = String(message.headers.via?.[0]?.params?.['branch'] ?? '');
    waiting.get(branch)?.(message);
    waiting.delete(branch);
  });
  return {
    port,
    send(text: string, branch: string): Promise<SipResponse> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no response to ${branch}`)), 5000);
        waiting.set(branch, (response) => {
          clearTimeout(timer);
          resolve(response);
        });
        socket.send(Buffer.from(text, 'latin1'), server.port, server.address);
      });
    },
  };
}

interface Challenge {
  realm: string;
  nonce: string;
  stale: boolean;
}

const challengeOf = (response: SipResponse): Challenge => {
  const header = (response.headers['www-authenticate'] as Record<string, string>[] | undefined)?.find(
    (entry) => (entry['algorithm'] ?? 'MD5') === 'MD5',
  );
  const unquote = (value: string | undefined) => (value ?? '').replace(/^"|"$/g, '');
  return {
    realm: unquote(header?.['realm']),
    nonce: unquote(header?.['nonce']),
    stale: /^true$/i.test(header?.['stale'] ?? ''),
  };
};

/** REGISTER for 100 as wire text, with Via branch `branch` and, when given, digest credentials. */
function registerText(
  client: { port: number },
  branch: string,
  callId: string,
  cseq: number,
  authorization?: string,
): string {
  return [
    'REGISTER sip:office.test SIP/2.0',
    `Via: SIP/2.0/UDP 127.0.0.1:${client.port};branch=${branch};rport`,
    'Max-Forwards: 70',
    'From: <sip:100@office.test>;tag=victim',
    'To: <sip:100@office.test>',
    `Call-ID: ${callId}`,
    `CSeq: ${cseq} REGISTER`,
    `Contact: <sip:100@127.0.0.1:${client.port}>`,
    'Expires: 300',
    ...(authorization ? [`Authorization: ${authorization}`] : []),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

function authorization(challenge: Challenge, password: string): string {
  const cnonce = hex(8);
  const ha1 = md5(`100:${challenge.realm}:${password}`);
  const response = md5(`${ha1}:${challenge.nonce}:00000001:${cnonce}:auth:${md5('REGISTER:sip:office.test')}`);
  return (
    `Digest username="100",realm="${challenge.realm}",nonce="${challenge.nonce}",uri="sip:office.test",` +
    `response="${response}",algorithm=MD5,qop=auth,nc=00000001,cnonce="${cnonce}"`
  );
}

t.test('attack: flooding the nonce table, then replaying a captured REGISTER: 401 stale=true, never 200', async (t) => {
  const dir = await tempDir(t);
  await writeFile(
    join(dir, 'hotdesk.json'),
    serializeStore(office(addExtension('100', 'Ada'), { kind: 'set-settings', sipDomain: 'office.test' })),
  );
  const daemon = await startDaemon({
    dataDir: dir,
    log: createLogger({ level: 'silent' }),
    // One count per bucket of the table; no per-source flood limit (the flood here is of valid registrations).
    sip: { bind: '127.0.0.1', port: 0, rtpPorts: { min: 0, max: 0 }, floodLimit: null, maxNonceCounts: 64 },
  });
  t.teardown(() => daemon.stop());
  const server = { address: '127.0.0.1', port: daemon.sip!.stack.transport.port };
  const phone = await rawClient(t, '127.0.0.1', server);
  const callId = `${hex(8)}@127.0.0.1`;
  let cseq = 1;

  /** One registration: challenged, then answered; returns the authenticated text and its response. */
  const registerOnce = async () => {
    const first = registerText(phone, `z9hG4bK-${hex(8)}`, callId, cseq++);
    const challenged = await phone.send(first, first.match(/branch=([^;]+)/)![1]!);
    if (challenged.status !== 401) throw new Error(`expected a challenge, got ${challenged.status}`);
    const branch = `z9hG4bK-${hex(8)}`;
    const text = registerText(phone, branch, callId, cseq++, authorization(challengeOf(challenged), 'secret-100'));
    return { text, branch, response: await phone.send(text, branch) };
  };

  const captured = await registerOnce();
  t.equal(captured.response.status, 200, 'the phone registers');
  const eavesdropper = await rawClient(t, '127.0.0.2', server);
  /**
   * The captured request with a new branch, the eavesdropper's Via and a new Call-ID (the digest covers none of
   * them).
   */
  const replay = () => {
    const branch = `z9hG4bK-${hex(8)}`;
    const text = captured.text
      .replace(captured.branch, branch)
      .replace(`Via: SIP/2.0/UDP 127.0.0.1:${phone.port}`, `Via: SIP/2.0/UDP 127.0.0.2:${eavesdropper.port}`)
      .replace(callId, `${hex(8)}@127.0.0.2`);
    return eavesdropper.send(text, branch);
  };
  const early = await replay();
  t.same(
    [early.status, challengeOf(early).stale],
    [401, false],
    'a replay while its count is held is refused as a replay',
  );

  // 1,000 registrations fill all 64 buckets many times over: the victim's nonce is evicted with near certainty.
  const statuses = new Set<number>();
  for (let i = 0; i < 1000; i++) statuses.add((await registerOnce()).response.status);
  t.same([...statuses], [200], 'every flooding registration was accepted (the table turned over)');

  const late = await replay();
  t.not(late.status, 200, 'the replay after the flood is not accepted');
  t.equal(late.status, 401, 'it is challenged');
  t.equal(challengeOf(late).stale, true, 'with stale=true: its nonce is too old now, never forgotten and taken afresh');
  const again = await replay();
  t.same([again.status, challengeOf(again).stale], [401, true], 'and stays so');
});
