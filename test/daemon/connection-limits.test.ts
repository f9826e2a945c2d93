/**
 * Connections are bounded per source address (a real hotdeskd process): one address
 * holding more idle TCP connections than the global caps (SIP 1,000, HTTP 1,024)
 * does not stop a phone at another address from registering over TCP or fetching its
 * file over HTTP; a connection that sends nothing is closed. Attackers connect from
 * 127.0.0.1, the phone from 127.0.0.2 (Linux routes all of 127/8 to lo).
 * Needs `npm run build` (spawns bin/hotdeskd).
 */
import t from 'tap';
import http from 'node:http';
import net from 'node:net';
import { mkdir, writeFile } from 'node:fs/promises';
import sip from 'sip';
import type { SipMessage, SipResponse } from '../../src/sip/message.js';
import { serializeStore } from '../../src/store/migrate.js';
import { addExtension, addPhone, office } from '../support/office.js';
import { startDaemon } from '../support/start-daemon.js';
import { tempData } from '../support/temp-data.js';
import { answer, isResponse, register } from '../support/tls-phone.js';

const UA = 'Yealink SIP-T54W 96.86.0.70 00:15:65:00:00:01';
const VICTIM = '127.0.0.2';

async function officeDaemon(t: Parameters<typeof tempData>[0], args: string[] = []) {
  const paths = await tempData(t);
  await mkdir(paths.dir, { recursive: true });
  const data = office(addExtension('100', 'Ada'), addPhone('001565000001'), {
    kind: 'set-settings',
    sipDomain: 'office.test',
  });
  await writeFile(paths.store, serializeStore(data), { mode: 0o600 });
  const daemon = await startDaemon(t, paths.dir, ['--digest', 'md5', '--rtp-ports', '20200-20299', ...args]);
  t.teardown(() => daemon.stop());
  const sipPort = Number(/sip:\s+udp\+tcp \S+:(\d+)/.exec(daemon.stdout())?.[1]);
  const httpPort = Number(/provisioning URL https?:\/\/[^/]+:(\d+)\//.exec(daemon.stdout())?.[1]);
  return { data, daemon, sipPort, httpPort };
}

/**
 * Opens `count` TCP connections from 127.0.0.1 that never send anything; resolves once each is connected or
 * refused.
 */
async function holdIdle(t: Parameters<typeof tempData>[0], port: number, count: number): Promise<net.Socket[]> {
  const sockets: net.Socket[] = [];
  t.teardown(() => sockets.forEach((socket) => socket.destroy()));
  const settled: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress: '127.0.0.1' });
    socket.on('error', () => undefined);
    sockets.push(socket);
    settled.push(new Promise((resolve) => socket.once('connect', () => resolve()).once('close', () => resolve())));
    if (i % 100 === 99) await Promise.all(settled.slice(-100));
  }
  await Promise.all(settled);
  // Let the server's accept loop catch up with the last of them.
  await new Promise((resolve) => setTimeout(resolve, 300));
  return sockets;
}

/** A phone on one TCP connection from 127.0.0.2. */
async function tcpPhone(port: number) {
  const socket = net.connect({ port, host: '127.0.0.1', localAddress: VICTIM });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.setEncoding('latin1');
  const received: SipMessage[] = [];
  const parse = sip.makeStreamParser((message) => received.push(message));
  socket.on('data', (chunk: string) => parse(chunk));
  const local = `${VICTIM}:${socket.localPort}`;
  const send = (text: string) =>
    socket.write(
      text.replace(/\n/g, '\r\n').replaceAll('SIP/2.0/TLS', 'SIP/2.0/TCP').replaceAll('transport=tls', 'transport=tcp'),
    );
  const response = async (cseq: number): Promise<SipResponse | undefined> => {
    for (let i = 0; i < 300; i++) {
      const found = received.find((message) => isResponse(message) && message.headers.cseq.seq === cseq);
      if (found) return found as SipResponse;
      if (socket.destroyed) return undefined;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return undefined;
  };
  return { socket, local, send, response };
}

/**
 * Registers HD0001 over TCP from 127.0.0.2 with digest authentication; resolves with the final status (0: no
 * answer).
 */
async function registerFromVictim(port: number, password: string): Promise<number> {
  let phone: Awaited<ReturnType<typeof tcpPhone>>;
  try {
    phone = await tcpPhone(port);
  } catch {
    return 0;
  }
  try {
    phone.send(register(phone.local, 'HD0001', 1));
    const challenge = await phone.response(1);
    if (challenge?.status !== 401) return challenge?.status ?? 0;
    const offered = (challenge.headers['www-authenticate'] ?? [])[0] as unknown as Record<string, unknown>;
    phone.send(register(phone.local, 'HD0001', 2, answer(offered, 'HD0001', password)));
    return (await phone.response(2))?.status ?? 0;
  } finally {
    phone.socket.destroy();
  }
}

function fetchFromVictim(url: string): Promise<number> {
  return new Promise((resolve) => {
    const request = http.get(
      url,
      { localAddress: VICTIM, headers: { 'user-agent': UA }, agent: false, timeout: 3000 },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(0));
  });
}

t.test(
  'one address holding 1,100 idle connections to SIP and to HTTP: a phone at another address still registers ' +
    'and provisions',
  async (t) => {
    const { data, sipPort, httpPort } = await officeDaemon(t);
    t.equal(
      await registerFromVictim(sipPort, data.phones[0]!.idlePassword),
      200,
      'registers over TCP before the attack',
    );

    const sipHeld = await holdIdle(t, sipPort, 1100);
    const httpHeld = await holdIdle(t, httpPort, 1100);
    const open = (sockets: net.Socket[]) => sockets.filter((socket) => !socket.destroyed).length;
    t.ok(open(sipHeld) <= 64, `hotdeskd keeps at most 64 SIP connections from the attacker (${open(sipHeld)} open)`);
    t.ok(open(httpHeld) <= 64, `and at most 64 HTTP connections (${open(httpHeld)} open)`);

    t.equal(
      await registerFromVictim(sipPort, data.phones[0]!.idlePassword),
      200,
      'the phone at 127.0.0.2 registers over TCP during the attack',
    );
    const file = `http://127.0.0.1:${httpPort}/provisioning/${data.settings.provisioningToken}/001565000001.cfg`;
    t.equal(await fetchFromVictim(file), 200, 'and fetches its file over HTTP');
  },
);

t.test(
  'a SIP connection that sends no whole message is closed; one that carries messages stays until idle',
  async (t) => {
    const { data, sipPort } = await officeDaemon(t, ['--tcp-idle-timeout', '2', '--connections-per-address', '3']);
    const closedWithin = (socket: net.Socket, ms: number) =>
      new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), ms);
        socket.once('close', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    const silent = net.connect({ port: sipPort, host: '127.0.0.1' });
    silent.on('error', () => undefined);
    const halfway = net.connect({ port: sipPort, host: '127.0.0.1' });
    halfway.on('error', () => undefined);
    halfway.once('connect', () =>
      halfway.write('REGISTER sip:office.test SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5099\r\n'),
    );
    const [silentClosed, halfwayClosed] = await Promise.all([closedWithin(silent, 5000), closedWithin(halfway, 5000)]);
    t.ok(silentClosed, 'a connection that says nothing is closed');
    t.ok(halfwayClosed, 'so is one that never finishes its first message');

    const phone = await tcpPhone(sipPort);
    phone.send(register(phone.local, 'HD0001', 1));
    t.equal((await phone.response(1))?.status, 401, 'a phone that talks is answered');
    t.notOk(await closedWithin(phone.socket, 1000), 'and its connection stays while it is not idle');
    t.ok(await closedWithin(phone.socket, 4000), 'idle past the timeout, it is closed');

    // The per-address cap is settable: three from one address, the fourth is refused.
    const three = await holdIdle(t, sipPort, 4);
    t.equal(three.filter((socket) => !socket.destroyed).length, 3, '--connections-per-address 3 keeps three');
    t.equal(await registerFromVictim(sipPort, data.phones[0]!.idlePassword), 200, 'another address still registers');
  },
);
