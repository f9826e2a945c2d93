/**
 * The least a registrar in one Node process can do per REGISTER, for comparison with hotdeskd
 * (`BENCH_FLOOR=1 npm run bench:register`): the datagram read, parsed by the `sip` package,
 * a 401 with a random nonce or, with credentials, three MD5 hashes and a 200 with the Contact
 * and a Date, serialised by the `sip` package and sent. No digest check, no nonce counts, no
 * state, no retransmission cache, no validation: what is left is the platform's cost (the event
 * loop, the two system calls, parsing, serialising, collecting the garbage), the floor under
 * any registrar built on it on this machine.
 *
 * Prints `sip: udp+tcp HOST:PORT` and `Ctrl-C` as hotdeskd's banner does; stops on SIGTERM.
 */
import dgram from 'node:dgram';
import { createHash, randomBytes } from 'node:crypto';
import sip from 'sip';
import type { SipRequest, SipResponse } from '../src/sip/message.js';

const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

function answer(request: SipRequest): SipResponse {
  const headers = request.headers;
  const base = {
    via: headers.via,
    to: { ...headers.to, params: { ...headers.to.params, tag: randomBytes(8).toString('base64url') } },
    from: headers.from,
    'call-id': headers['call-id'],
    cseq: headers.cseq,
  };
  if (!headers.authorization) {
    const nonce = randomBytes(24).toString('base64url');
    return {
      status: 401,
      reason: 'Unauthorized',
      version: '2.0',
      headers: {
        ...base,
        'www-authenticate': [
          { scheme: 'Digest', realm: '"bench.test"', nonce: `"${nonce}"`, algorithm: 'MD5', qop: '"auth"' },
        ],
      },
    };
  }
  const credentials = headers.authorization[0]!;
  const ha1 = md5(`${credentials['username']}:bench.test:password`);
  const ha2 = md5(`REGISTER:${credentials['uri']}`);
  md5(`${ha1}:${credentials['nonce']}:${credentials['nc']}:${credentials['cnonce']}:auth:${ha2}`);
  const contact = Array.isArray(headers.contact) ? headers.contact[0] : undefined;
  return {
    status: 200,
    reason: 'OK',
    version: '2.0',
    headers: {
      ...base,
      ...(contact ? { contact: [{ uri: contact.uri, params: { expires: '3600' } }] } : {}),
      date: new Date().toUTCString(),
    },
  };
}

socket.on('message', (data, from) => {
  const request = sip.parse(data) as SipRequest | undefined;
  if (!request?.method || request.method === 'ACK') return;
  const bytes = Buffer.from(sip.stringify(answer(request)), 'latin1');
  socket.send(bytes, 0, bytes.length, from.port, from.address);
});
socket.bind(0, '127.0.0.1', () => {
  const { address, port } = socket.address();
  console.log(`floor registrar\n  sip: udp+tcp ${address}:${port}\nCtrl-C to stop`);
});
process.on('SIGTERM', () => socket.close(() => process.exit(0)));
