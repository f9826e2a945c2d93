/** The control socket on real Unix sockets in a temp directory. */
import t, { type Test } from 'tap';
import { createConnection, createServer, type Server } from 'node:net';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import {
  NoDaemonError,
  parseControlRequest,
  sendControl,
  startControlServer,
  type ControlHandler,
  type ControlRequest,
} from '../../src/adapters/control-socket.js';
import type { Change } from '../../src/store/changes.js';
import { exists, tempDir } from '../support/temp-data.js';

const ADD_PHONE: Change = {
  kind: 'add-phone',
  model: 'yealink-t54w',
  mac: '001565aabbcc',
  connection: { mode: 'lan' },
  idlePassword: 'idle-password-1',
};

/** A handler that records what it was asked and answers pings and changes. */
function recorder(): { handle: ControlHandler; seen: ControlRequest[] } {
  const seen: ControlRequest[] = [];
  return {
    seen,
    handle: async (request) => {
      seen.push(request);
      if (request.kind === 'ping') return { ok: true, pong: { pid: 4242, version: '9.9.9' } };
      if (request.kind === 'blocks')
        return { ok: true, blocks: [{ kind: 'source', key: '203.0.113.5', until: '2026-12-05T00:00:00.000Z' }] };
      if (request.kind === 'unblock') return { ok: true, blocks: [] };
      if (request.kind === 'digest-failures') return { ok: true, digestFailures: [] };
      if (request.change.kind === 'remove-phone')
        return { ok: false, reason: { kind: 'unknown-phone', value: request.change.phone } };
      if (request.change.kind === 'add-emergency') throw new Error('handler bug');
      return { ok: true, result: { kind: 'done', message: `did ${request.change.kind}`, warnings: [] } };
    },
  };
}

async function serve(t: Test, handle: ControlHandler): Promise<{ path: string; server: Server }> {
  const path = join(await tempDir(t), 'hotdeskd.sock');
  const server = await startControlServer(path, handle);
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { path, server };
}

/**
 * Writes raw bytes on a fresh connection and collects the answer lines until the server ends it or `count` lines
 * came.
 */
function raw(path: string, payload: string | Buffer, count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    let buffer = '';
    const done = () => {
      socket.destroy();
      resolve(buffer.split('\n').filter(Boolean));
    };
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(payload));
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.split('\n').filter(Boolean).length >= count) done();
    });
    socket.on('end', done);
    socket.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EPIPE' || error.code === 'ECONNRESET' ? done() : reject(error),
    );
  });
}

t.test('parseControlRequest', async (t) => {
  const cases: [string, ControlRequest | undefined][] = [
    ['{"kind":"ping"}', { kind: 'ping' }],
    ['{"kind":"blocks"}', { kind: 'blocks' }],
    ['{"kind":"digest-failures"}', { kind: 'digest-failures' }],
    ['{"kind":"unblock","target":"203.0.113.5"}', { kind: 'unblock', target: '203.0.113.5' }],
    ['{"kind":"unblock"}', undefined],
    ['{"kind":"unblock","target":""}', undefined],
    ['{"kind":"unblock","target":7}', undefined],
    [JSON.stringify({ kind: 'unblock', target: 'x'.repeat(257) }), undefined],
    [JSON.stringify({ kind: 'change', change: ADD_PHONE }), { kind: 'change', change: ADD_PHONE }],
    ['', undefined],
    ['not json', undefined],
    ['null', undefined],
    ['42', undefined],
    ['"ping"', undefined],
    ['{"kind":"shutdown"}', undefined],
    ['{"kind":"change"}', undefined],
    ['{"kind":"change","change":{"kind":"drop-database"}}', undefined],
    [JSON.stringify({ kind: 'change', change: { ...ADD_PHONE, mac: 12 } }), undefined],
    [JSON.stringify({ kind: 'change', change: { kind: 'logout', target: { all: false }, actor: 'admin' } }), undefined],
  ];
  for (const [line, expected] of cases) t.same(parseControlRequest(line), expected, line || '(empty)');
});

t.test('ping and a change, over a real socket of mode 0600', async (t) => {
  const { handle, seen } = recorder();
  const { path } = await serve(t, handle);
  t.ok((await stat(path)).isSocket());
  t.equal((await stat(path)).mode & 0o777, 0o600, 'only the owner may use the socket');

  t.same(await sendControl(path, { kind: 'ping' }), { ok: true, pong: { pid: 4242, version: '9.9.9' } });
  t.same(await sendControl(path, { kind: 'change', change: ADD_PHONE }), {
    ok: true,
    result: { kind: 'done', message: 'did add-phone', warnings: [] },
  });
  t.same(await sendControl(path, { kind: 'change', change: { kind: 'remove-phone', phone: 'HD0009' } }), {
    ok: false,
    reason: { kind: 'unknown-phone', value: 'HD0009' },
  });
  t.same(
    await sendControl(path, { kind: 'change', change: { kind: 'add-emergency', number: '999' } }),
    { ok: false, error: 'handler bug' },
    'a throwing handler is an error answer',
  );
  t.same(
    seen.map((request) => (request.kind === 'change' ? request.change.kind : request.kind)),
    ['ping', 'add-phone', 'remove-phone', 'add-emergency'],
  );
  t.same(seen[1], { kind: 'change', change: ADD_PHONE }, 'the handler gets the change as sent');

  const many = await Promise.all(Array.from({ length: 20 }, () => sendControl(path, { kind: 'ping' })));
  t.equal(many.filter((response) => response.ok).length, 20, 'concurrent clients are all answered');
});

t.test('a malformed line gets an error answer, and the server keeps serving', async (t) => {
  const { handle, seen } = recorder();
  const { path } = await serve(t, handle);
  const answers = await raw(path, 'this is not json\n{"kind":"change","change":{"kind":"nope"}}\n{"kind":"ping"}\n', 3);
  t.same(
    answers.map((line) => JSON.parse(line) as unknown),
    [
      { ok: false, error: 'malformed request' },
      { ok: false, error: 'malformed request' },
      { ok: true, pong: { pid: 4242, version: '9.9.9' } },
    ],
    'each line is answered; the same connection still works',
  );
  t.same(seen, [{ kind: 'ping' }], 'the handler never saw the malformed lines');
  // A request split over several writes is put back together.
  const split = await new Promise<string>((resolve, reject) => {
    const socket = createConnection(path);
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      socket.write('{"kind":');
      setTimeout(() => socket.write('"ping"}\n'), 20);
    });
    socket.on('data', (chunk: string) => {
      socket.destroy();
      resolve(chunk);
    });
    socket.on('error', reject);
  });
  t.same(JSON.parse(split), { ok: true, pong: { pid: 4242, version: '9.9.9' } });
  // A client that connects and hangs up at once does not bring it down.
  await new Promise<void>((resolve) => {
    const socket = createConnection(path);
    socket.on('connect', () => {
      socket.destroy();
      resolve();
    });
  });
  t.same(
    await sendControl(path, { kind: 'ping' }),
    { ok: true, pong: { pid: 4242, version: '9.9.9' } },
    'still serving',
  );
});

t.test('an oversized request is refused, and the server keeps serving', async (t) => {
  const { handle, seen } = recorder();
  const { path } = await serve(t, handle);
  const huge = Buffer.alloc(2 * 1024 * 1024, 'a');
  const answers = await raw(path, huge, 1);
  t.same(
    answers.map((line) => JSON.parse(line) as unknown),
    [{ ok: false, error: 'request too large' }],
  );
  t.same(seen, [], 'the handler never saw it');
  t.same(
    await sendControl(path, { kind: 'ping' }),
    { ok: true, pong: { pid: 4242, version: '9.9.9' } },
    'still serving',
  );
});

t.test('NoDaemonError when nothing listens', async (t) => {
  const dir = await tempDir(t);
  const missing = join(dir, 'hotdeskd.sock');
  await t.rejects(sendControl(missing, { kind: 'ping' }), NoDaemonError, 'no socket file');
  await t.rejects(sendControl(missing, { kind: 'ping' }), {
    name: 'NoDaemonError',
    message: 'hotdeskd is not listening on its control socket',
  });

  // A socket file left by a process killed with SIGKILL: nobody accepts on it.
  const stale = join(dir, 'stale.sock');
  const child = spawn(
    process.execPath,
    ['-e', `require('net').createServer().listen(${JSON.stringify(stale)}, () => console.log('up'))`],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise((resolve) => child.stdout!.once('data', resolve));
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  t.ok(await exists(stale), 'the killed listener left its socket file');
  await t.rejects(sendControl(stale, { kind: 'ping' }), NoDaemonError, 'a stale socket file');

  // startControlServer replaces such a leftover.
  const server = await startControlServer(stale, recorder().handle);
  t.teardown(() => void server.close());
  t.same(await sendControl(stale, { kind: 'ping' }), { ok: true, pong: { pid: 4242, version: '9.9.9' } });

  // A plain file where the socket should be is not a daemon either.
  const file = join(dir, 'file.sock');
  await writeFile(file, '');
  await t.rejects(sendControl(file, { kind: 'ping' }), NoDaemonError, 'a regular file');
});

t.test('a daemon that hangs up without answering, or never answers', async (t) => {
  const dir = await tempDir(t);
  const hangUp = join(dir, 'hangup.sock');
  const rude = createServer((socket) => socket.once('data', () => socket.destroy()));
  await new Promise<void>((resolve) => rude.listen(hangUp, resolve));
  t.teardown(() => void rude.close());
  const started = Date.now();
  await t.rejects(sendControl(hangUp, { kind: 'ping' }, 20_000), {
    message: 'hotdeskd closed the connection without answering',
  });
  t.ok(Date.now() - started < 10_000, 'without waiting for the timeout');

  const silent = join(dir, 'silent.sock');
  const mute = createServer(() => undefined);
  await new Promise<void>((resolve) => mute.listen(silent, resolve));
  t.teardown(() => void mute.close());
  await t.rejects(sendControl(silent, { kind: 'ping' }, 200), { message: 'hotdeskd did not answer within 0.2 s' });

  const garbled = join(dir, 'garbled.sock');
  const liar = createServer((socket) => socket.once('data', () => socket.end('this is not json\n')));
  await new Promise<void>((resolve) => liar.listen(garbled, resolve));
  t.teardown(() => void liar.close());
  await t.rejects(sendControl(garbled, { kind: 'ping' }), { message: 'hotdeskd sent a malformed answer' });
});
