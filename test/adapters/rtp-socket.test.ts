import t, { type Test } from 'tap';
import dgram from 'node:dgram';
import { once } from 'node:events';
import {
  createRtpPortPool,
  RTP_MAX_PACKET_BYTES,
  RtpPortsBusyError,
  type RtpEndpoint,
} from '../../src/adapters/rtp-socket.js';

const HOST = '127.0.0.1';

/** A plain UDP socket on 127.0.0.1 standing in for a phone. */
async function peer(port = 0): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, HOST, () => resolve());
  });
  return socket;
}

const closeSocket = (socket: dgram.Socket) => new Promise<void>((resolve) => socket.close(() => resolve()));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Waits for what a datagram does (however slow the machine), failing after 5 s. */
async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what}`);
    await sleep(5);
  }
}
/** Closes `socket` when the test ends, passed or not (an open socket would keep the test process alive). */
function closeAtEnd(t: Test, socket: dgram.Socket): void {
  t.teardown(() => {
    try {
      socket.close();
    } catch {
      // closed by the test already
    }
  });
}
const udpHandles = () => process.getActiveResourcesInfo().filter((name) => name === 'UDPWrap').length;
/** UDP handles still open once the ones being closed are gone (a closed socket's handle lingers for a moment). */
async function settledUdpHandles(): Promise<number> {
  let count = udpHandles();
  for (let i = 0; i < 40; i++) {
    await sleep(25);
    const now = udpHandles();
    if (now === count && i >= 3) break;
    count = now;
  }
  return count;
}

/** A run of `count` consecutive ports starting at an even port, all free now. */
async function freeRange(count: number): Promise<{ min: number; max: number }> {
  for (let base = 41_000 + 2 * Math.floor(Math.random() * 5000); base < 65_000; base += 2 * count) {
    const taken: dgram.Socket[] = [];
    try {
      for (let port = base; port < base + count; port++) taken.push(await peer(port));
      return { min: base, max: base + count - 1 };
    } catch {
      // one of them is in use: try further up
    } finally {
      await Promise.all(taken.map(closeSocket));
    }
  }
  throw new Error('no free port range for the test');
}

t.test('any free port (0-0): open, talk both ways, close', async (t) => {
  const pool = createRtpPortPool({ bind: HOST, min: 0, max: 0 });
  const socket = await pool.open();
  t.ok(socket.port > 0, `bound to a port (${socket.port})`);
  t.equal(socket.address, HOST);
  t.equal(pool.inUse, 1);

  const phone = await peer();
  closeAtEnd(t, phone);
  t.teardown(() => pool.close());
  const received: { bytes: Buffer; from: RtpEndpoint }[] = [];
  socket.onPacket((bytes, from) => received.push({ bytes, from }));
  phone.send(Buffer.from([0x80, 0, 0, 1]), socket.port, HOST);
  await until(() => received.length > 0, 'the packet');
  t.equal(received.length, 1);
  t.same([...received[0]!.bytes], [0x80, 0, 0, 1]);
  t.same(received[0]!.from, { address: HOST, port: phone.address().port });

  const back = once(phone, 'message');
  socket.send(new Uint8Array([1, 2, 3]), { address: HOST, port: phone.address().port });
  const [message] = (await back) as [Buffer];
  t.same([...message], [1, 2, 3]);
  await until(() => socket.counters.sent > 0, 'the send counted');
  t.equal(socket.counters.sent, 1);
  t.equal(socket.counters.received, 1);

  await socket.close();
  t.equal(pool.inUse, 0, 'closing returns the port');
  await socket.close();
  t.equal(pool.inUse, 0, 'close is idempotent');
  socket.send(new Uint8Array([1]), { address: HOST, port: phone.address().port });
  t.equal(socket.counters.sent, 1, 'a closed socket sends nothing');
  await closeSocket(phone);
  await pool.close();
});

t.test('datagrams over 1500 bytes are dropped unread; a failing handler does not stop the socket', async (t) => {
  const warnings: string[] = [];
  const pool = createRtpPortPool({
    bind: HOST,
    min: 0,
    max: 0,
    log: { debug: () => {}, warn: (_: unknown, message: string) => warnings.push(message) } as never,
  });
  const socket = await pool.open();
  const phone = await peer();
  const sizes: number[] = [];
  let fail = true;
  socket.onPacket((bytes) => {
    sizes.push(bytes.length);
    if (fail) {
      fail = false;
      throw new Error('handler bug');
    }
  });
  phone.send(Buffer.alloc(10), socket.port, HOST);
  phone.send(Buffer.alloc(RTP_MAX_PACKET_BYTES + 1), socket.port, HOST);
  phone.send(Buffer.alloc(RTP_MAX_PACKET_BYTES), socket.port, HOST);
  phone.send(Buffer.alloc(9000), socket.port, HOST);
  phone.send(Buffer.alloc(20), socket.port, HOST);
  await until(() => sizes.length >= 3 && socket.counters.oversized >= 2, 'three packets and two dropped');
  t.same(sizes, [10, RTP_MAX_PACKET_BYTES, 20]);
  t.equal(socket.counters.oversized, 2);
  t.equal(warnings.length, 1, 'the handler failure is logged');
  await closeSocket(phone);
  await pool.close();
});

t.test('packets before a handler is set are counted and dropped', async (t) => {
  const pool = createRtpPortPool({ bind: HOST, min: 0, max: 0 });
  const socket = await pool.open();
  const phone = await peer();
  phone.send(Buffer.alloc(12), socket.port, HOST);
  await until(() => socket.counters.unhandled > 0, 'the packet counted');
  t.equal(socket.counters.unhandled, 1);
  await closeSocket(phone);
  await pool.close();
});

t.test('a range: even ports only, in turn, a port another program holds is skipped, 503 when full', async (t) => {
  const range = await freeRange(7); // even ports: min, min+2, min+4, min+6
  const even = [range.min, range.min + 2, range.min + 4, range.min + 6];
  const squatter = await peer(even[1]); // another program on the second port
  const pool = createRtpPortPool({ bind: HOST, ...range });

  const a = await pool.open();
  const b = await pool.open();
  const c = await pool.open();
  t.same([a.port, b.port, c.port], [even[0], even[2], even[3]], 'even ports, the taken one skipped');
  t.equal(pool.inUse, 3);
  const error = await pool.open().then(
    () => undefined,
    (reason: unknown) => reason,
  );
  t.ok(error instanceof RtpPortsBusyError, 'every port busy: a clear error');
  t.match((error as Error).message, `${range.min}-${range.max}`);
  t.equal((error as RtpPortsBusyError).code, 'RTP_PORTS_BUSY');
  t.equal(pool.inUse, 3);

  await b.close();
  await closeSocket(squatter);
  const d = await pool.open();
  t.equal(
    d.port,
    even[0] === a.port ? even[1] : even[0],
    'the next free port in turn (the one the other program let go)',
  );
  const e = await pool.open();
  t.equal(e.port, even[2], 'the port freed last comes after');
  await pool.close();
  t.equal(pool.inUse, 0);
  await t.rejects(pool.open(), /closed/, 'a closed pool opens nothing');
});

t.test('an odd lower bound starts at the next even port; ports open at once do not collide', async (t) => {
  const range = await freeRange(6);
  const pool = createRtpPortPool({ bind: HOST, min: range.min + 1, max: range.min + 5 });
  const sockets = await Promise.all([pool.open(), pool.open()]);
  t.same(sockets.map((socket) => socket.port).sort(), [range.min + 2, range.min + 4]);
  await t.rejects(pool.open(), RtpPortsBusyError);
  await pool.close();
});

t.test('ranges that cannot work are refused at once', async (t) => {
  t.throws(() => createRtpPortPool({ bind: HOST, min: 5000, max: 4000 }), RangeError);
  t.throws(() => createRtpPortPool({ bind: HOST, min: 5001, max: 5001 }), /no even port/);
  t.throws(() => createRtpPortPool({ bind: HOST, min: 0, max: 70000 }), RangeError);
});

t.test('bound to :: (dual stack), IPv4 phones are seen and reached at their plain IPv4 address', async (t) => {
  const pool = createRtpPortPool({ bind: '::', min: 0, max: 0 });
  const socket = await pool.open().catch(() => undefined);
  if (!socket) {
    t.pass('no IPv6 on this host');
    return;
  }
  const phone = await peer();
  const from = new Promise<RtpEndpoint>((resolve) => socket.onPacket((_, endpoint) => resolve(endpoint)));
  phone.send(Buffer.from([0x80]), socket.port, HOST);
  t.same(await from, { address: HOST, port: phone.address().port });
  const back = once(phone, 'message');
  socket.send(new Uint8Array([7]), { address: HOST, port: phone.address().port });
  const [message] = (await back) as [Buffer];
  t.same([...message], [7]);
  await sleep(10);
  t.equal(socket.counters.sendErrors, 0);
  await closeSocket(phone);
  await pool.close();
});

t.test('a bind address that is not ours rejects with the system error', async (t) => {
  const pool = createRtpPortPool({ bind: '192.0.2.1', min: 0, max: 0 });
  await t.rejects(pool.open(), { code: 'EADDRNOTAVAIL' });
  t.equal(pool.inUse, 0);
});

t.test('200 open/close cycles leave nothing behind', async (t) => {
  const before = await settledUdpHandles();
  const pool = createRtpPortPool({ bind: HOST, min: 0, max: 0 });
  for (let i = 0; i < 200; i++) {
    const socket = await pool.open();
    socket.onPacket(() => {});
    await socket.close();
  }
  t.equal(pool.inUse, 0);
  const range = await freeRange(4);
  const ranged = createRtpPortPool({ bind: HOST, ...range });
  for (let i = 0; i < 200; i++) {
    const pair = await Promise.all([ranged.open(), ranged.open()]);
    await Promise.all(pair.map((socket) => socket.close()));
  }
  t.equal(ranged.inUse, 0, 'a two-port range served 400 sockets');
  await pool.close();
  await ranged.close();
  t.equal(await settledUdpHandles(), before, 'no UDP handle left open');
});
