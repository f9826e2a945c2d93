/**
 * HTTP provisioning on a real server (127.0.0.1, port 0) over a real store in a
 * temporary directory: what each vendor's phone fetches, what a logged-in phone
 * gets, applied generations, every kind of refusal, digest credentials, and
 * admin template overrides.
 */
import t, { type Test } from 'tap';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createLogger } from '../../../src/adapters/log.js';
import { openStoreWriter } from '../../../src/adapters/json-store.js';
import { loadCatalogue } from '../../../src/adapters/catalogue-files.js';
import { SHIPPED_TEMPLATES } from '../../../src/adapters/paths.js';
import { buildProvisioningAuth, PROVISIONING_REALM } from '../../../src/core/provisioning-auth.js';
import type { Vendor } from '../../../src/core/catalogue.js';
import { applyChange, type Change } from '../../../src/store/changes.js';
import { createStoreService, type StoreService } from '../../../src/daemon/store-service.js';
import { createWritePath } from '../../../src/daemon/write-path.js';
import {
  startProvisioningService,
  type ProvisioningService,
  type ProvisioningServiceOptions,
} from '../../../src/daemon/http/provisioning-service.js';
import { readPhoneConfig, readXml, readYealink, validateXml } from '../../fixtures/provisioning/read-config.js';
import { loadStoreFile } from '../../support/temp-data.js';
import { makeTestCertificate } from '../../support/tls-certificate.js';

const TOKEN = 'tok-0123456789abcdef';
const catalogue = loadCatalogue();

const PHONES: Record<Vendor, { model: string; mac: string; ua: string; own: string; others: string[] }> = {
  yealink: {
    model: 'yealink-t33g',
    mac: '001565aabbcc',
    ua: 'Yealink SIP-T33G 124.86.0.40 00:15:65:aa:bb:cc',
    own: '001565aabbcc.cfg',
    others: ['y000000000124.cfg'],
  },
  poly: {
    model: 'poly-vvx250',
    mac: '0004f2aabbcc',
    ua: 'FileTransport PolycomVVX-VVX_250-UA/6.4.6.2395 Type/Application',
    own: '0004f2aabbcc-hotdesk.cfg',
    others: ['0004f2aabbcc.cfg'],
  },
  snom: {
    model: 'snom-d717',
    mac: '000413aabbcc',
    ua: 'Mozilla/4.0 (compatible; snomD717-SIP 10.1.33.33 2010.12-00004-g9ba52f5 000413AABBCC SXM:0 UXM:0)',
    own: 'snomD717-000413AABBCC.htm',
    others: ['snomD717.htm'],
  },
  grandstream: {
    model: 'grandstream-gxp2130',
    mac: '000b82aabbcc',
    ua: 'Grandstream Model HW GXP2130 SW 1.0.11.3 DevId 000b82aabbcc',
    own: 'cfg000b82aabbcc.xml',
    others: [],
  },
  fanvil: {
    model: 'fanvil-x3u',
    mac: '0c383eaabbcc',
    ua: 'Fanvil X3U 2.12.16.17 0c383eaabbcc',
    own: '0c383eaabbcc.cfg',
    others: [],
  },
};
const VENDORS = Object.keys(PHONES) as Vendor[];
const NAMES: Record<Vendor, string> = {
  yealink: 'HD0001',
  poly: 'HD0002',
  snom: 'HD0003',
  grandstream: 'HD0004',
  fanvil: 'HD0005',
};

interface World {
  store: StoreService;
  file: string;
  dir: string;
  service: ProvisioningService;
  logs: () => Record<string, unknown>[];
  logText: () => string;
  fetched: [string, number][];
  get(file: string, options?: RequestOptions): Promise<Reply>;
  change(change: Change): Promise<void>;
}

interface RequestOptions {
  ua?: string;
  method?: string;
  headers?: Record<string, string>;
  /** The whole path instead of /provisioning/TOKEN/<file>. */
  path?: string;
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(port: number, path: string, options: RequestOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        agent: false,
        headers: { ...(options.ua ? { 'User-Agent': options.ua } : {}), ...options.headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Bytes on a socket exactly as given (for targets http.request would refuse to send). */
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (/\r\n\r\n/.test(received)) socket.end();
    });
    socket.on('end', () => resolve(received));
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
}

const statusOf = (response: string): number => Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0);

async function world(t: Test, options: Partial<ProvisioningServiceOptions> = {}): Promise<World> {
  // One teardown, in order: stop serving, let the last writes land, then remove the directory.
  const dir = await mkdtemp(join(tmpdir(), 'hd-prov-'));
  const file = join(dir, 'hotdesk.json');
  const writer = await openStoreWriter(file, dir, () => ({ address: '192.0.2.10', provisioningToken: TOKEN }));
  const store = createStoreService(writer);
  const change = async (next: Change): Promise<void> => {
    await store.update((data) => {
      const outcome = applyChange(data, next, { now: new Date().toISOString(), catalogue });
      if (!outcome.ok) throw new Error(`${next.kind}: ${JSON.stringify(outcome.reason)}`);
      return { next: outcome.value.data, value: undefined };
    });
  };
  for (const vendor of VENDORS) {
    await change({
      kind: 'add-phone',
      model: PHONES[vendor].model,
      mac: PHONES[vendor].mac,
      connection: { mode: 'lan' },
      idlePassword: `idle-${vendor}`,
    });
  }
  for (const [number, name] of [
    ['201', 'Alice Example'],
    ['202', 'Bob'],
    ['203', 'Carol & Co'],
  ] as const) {
    await change({
      kind: 'add-extension',
      number,
      name,
      sipPassword: `sip-secret-${number}`,
      pinHash: 'scrypt$16384$8$1$c2FsdA==$aGFzaA==',
      hotdesk: true,
      language: 'en',
    });
  }
  await change({ kind: 'set-blf', extension: '201', targets: ['202', null, '203'] });

  const lines = new PassThrough();
  let text = '';
  lines.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const log = createLogger({ level: 'debug', human: false, destination: lines });
  const fetched: [string, number][] = [];
  const service = await startProvisioningService({
    bind: '127.0.0.1',
    port: 0,
    store,
    catalogue,
    log,
    overridesDir: join(dir, 'templates'),
    // The write path of the daemon, its effects seen here: every fetch of a phone's own file.
    apply: createWritePath({
      store,
      catalogue,
      log,
      carryOut: (effects) => {
        for (const effect of effects)
          if (effect.kind === 'phone-fetched') fetched.push([effect.phone, effect.generation]);
      },
    }).apply,
    ...options,
  });
  t.teardown(async () => {
    await service.close();
    await store.flush();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await store.flush();
    await rm(dir, { recursive: true, force: true });
  });
  return {
    store,
    file,
    dir,
    service,
    logs: () =>
      text
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    logText: () => text,
    fetched,
    get: (name, requestOptions = {}) =>
      request(service.port, requestOptions.path ?? `/provisioning/${TOKEN}/${name}`, requestOptions),
    change,
  };
}

const until = async (what: () => boolean, ms = 2000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!what()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

t.test('each vendor’s files for an idle pool phone', async (t) => {
  const w = await world(t);
  for (const vendor of VENDORS) {
    const { ua, own, others } = PHONES[vendor];
    const reply = await w.get(own, { ua });
    t.equal(reply.status, 200, `${vendor}: ${own} served`);
    t.equal(reply.headers['cache-control'], 'no-store', `${vendor}: not cached`);
    t.equal(
      reply.headers['content-type'],
      vendor === 'yealink' ? 'text/plain; charset=utf-8' : 'application/xml; charset=utf-8',
    );
    if (vendor === 'yealink') t.equal(reply.body.split('\n')[0], '#!version:1.0.0.1', 'Yealink: the exact first line');
    else t.equal(validateXml(reply.body), true, `${vendor}: well-formed XML`);
    const config = readPhoneConfig(vendor, reply.body);
    t.same(
      { user: config.user, password: config.password, displayName: config.displayName },
      { user: NAMES[vendor], password: `idle-${vendor}`, displayName: NAMES[vendor] },
      `${vendor}: the phone’s own idle account`,
    );
    t.equal(config.firstKey.label, 'Logout', `${vendor}: Logout on the first key`);
    for (const other of others) {
      const common = await w.get(other, { ua });
      t.equal(common.status, 200, `${vendor}: ${other} served`);
      if (vendor === 'yealink') t.ok(readYealink(common.body).values.has('sip.trust_ctrl'), 'Yealink common file');
      else t.equal(validateXml(common.body), true, `${vendor}: ${other} well-formed`);
    }
  }
  const master = readXml((await w.get('0004f2aabbcc.cfg', { ua: PHONES.poly.ua })).body);
  t.equal(master.APPLICATION['@CONFIG_FILES'], '0004f2aabbcc-hotdesk.cfg', 'the Poly master file lists the phone file');
  t.equal(
    (await w.get('cfg.xml', { ua: PHONES.grandstream.ua })).status,
    404,
    'no Grandstream common template is shipped: 404',
  );
  t.equal(w.service.counters.served, 9);
  t.notMatch(w.logText(), /idle-yealink|sip-secret/, 'no password in the log');
  t.notMatch(w.logText(), new RegExp(TOKEN), 'no token in the log');
});

t.test('a logged-in phone gets the extension’s account, Logout first, then BLF', async (t) => {
  const w = await world(t);
  await w.change({ kind: 'login', extension: '201', phone: 'HD0001', actor: 'user' });
  const reply = await w.get(PHONES.yealink.own, { ua: PHONES.yealink.ua });
  const config = readPhoneConfig('yealink', reply.body);
  t.same(
    { user: config.user, password: config.password, displayName: config.displayName },
    { user: '201', password: 'sip-secret-201', displayName: 'Alice Example' },
  );
  t.same(config.firstKey, { type: '13', value: '*77*5*', label: 'Logout' });
  t.same(config.keys.slice(1, 3), ['16 202', '16 203'], 'BLF keys in list order, the empty position dropped');
  const snom = await w.get(PHONES.snom.own, { ua: PHONES.snom.ua });
  t.equal(readPhoneConfig('snom', snom.body).user, 'HD0003', 'other phones stay idle');
});

t.test('with HTTPS and SIP over TLS: the same files over both, pointing phones at TLS', async (t) => {
  const certDir = await mkdtemp(join(tmpdir(), 'hd-tls-'));
  t.teardown(() => rm(certDir, { recursive: true, force: true }));
  const cert = makeTestCertificate(certDir);
  const w = await world(t, { https: { port: 0, credentials: { cert: cert.cert, key: cert.key } }, sipTlsPort: 5071 });
  t.ok(w.service.httpsPort !== undefined && w.service.httpsPort !== w.service.port, 'HTTPS on a port of its own');
  const overHttps = await new Promise<Reply>((resolve, reject) => {
    https
      .get(
        {
          host: '127.0.0.1',
          port: w.service.httpsPort,
          path: `/provisioning/${TOKEN}/${PHONES.fanvil.own}`,
          ca: cert.cert,
          headers: { 'User-Agent': PHONES.fanvil.ua },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        },
      )
      .on('error', reject);
  });
  t.equal(overHttps.status, 200, 'served over HTTPS');
  const line = readXml(overHttps.body).sysConf.sip.line[0];
  t.same(
    [String(line.Transport), String(line.RegisterPort)],
    ['3', '5071'],
    'Fanvil: Transport 3 (TLS) on the TLS port',
  );
  t.equal(
    String(readXml(overHttps.body).sysConf.ap.FlashServerIP),
    `https://192.0.2.10:${w.service.httpsPort}`,
    'and provisioning over HTTPS',
  );
  // A phone's first fetch is over plain HTTP; its file already moves it to TLS and HTTPS.
  const overHttp = await w.get(PHONES.poly.own, { ua: PHONES.poly.ua });
  t.equal(overHttp.status, 200, 'plain HTTP still served');
  t.equal(
    readXml(overHttp.body).polycomConfig['@reg.1.server.1.transport'],
    'TLS',
    'Poly: reg.1.server.1.transport TLS',
  );
  t.equal(w.service.counters.served, 2);
});

t.test('without HTTPS nothing of TLS is written', async (t) => {
  const w = await world(t, { sipTlsPort: 5071 });
  t.equal(w.service.httpsPort, undefined, 'no HTTPS port');
  const reply = await w.get(PHONES.yealink.own, { ua: PHONES.yealink.ua });
  const values = readYealink(reply.body).values;
  t.same(
    [values.get('account.1.sip_server.1.transport_type'), values.get('account.1.sip_server.1.port')],
    ['0', '5060'],
    'UDP on the SIP port',
  );
  t.match(values.get('static.auto_provision.server.url'), /^http:\/\//, 'provisioning over HTTP');
});

t.test('the applied generation is recorded on the phone’s own file only', async (t) => {
  const w = await world(t);
  const applied = (name: string) => w.store.data.phones.find((phone) => phone.name === name)!.appliedGeneration;
  t.equal(applied('HD0001'), 0);
  await w.get('y000000000124.cfg', { ua: PHONES.yealink.ua });
  await w.get('0004f2aabbcc.cfg', { ua: PHONES.poly.ua });
  await new Promise((resolve) => setTimeout(resolve, 100));
  t.same([applied('HD0001'), applied('HD0002')], [0, 0], 'common and master files record nothing');
  t.same(w.fetched, []);

  await w.get(PHONES.yealink.own, { ua: PHONES.yealink.ua });
  await until(() => w.fetched.length === 1);
  t.same(w.fetched, [['HD0001', 1]], 'onFetched with the phone and its generation');
  t.equal(applied('HD0001'), 1);
  await w.store.flush();
  t.equal((await loadStoreFile(w.file)).phones[0]!.appliedGeneration, 1, 'written to the store file');
  t.equal(w.service.counters.recorded, 1);

  await w.get(PHONES.yealink.own, { ua: PHONES.yealink.ua });
  await until(() => w.fetched.length === 2);
  t.equal(w.service.counters.recorded, 1, 'nothing written when unchanged');

  await w.change({ kind: 'login', extension: '201', phone: 'HD0001', actor: 'user' });
  t.equal(w.store.data.phones[0]!.desiredGeneration, 2, 'the login asks for a new configuration');
  await w.get(PHONES.yealink.own, { ua: PHONES.yealink.ua });
  await until(() => w.fetched.length === 3);
  t.same(w.fetched.at(-1), ['HD0001', 2]);
  t.equal(applied('HD0001'), 2);
  t.equal(
    w.store.data.audit.filter(
      (entry) =>
        entry.kind !== 'phone-added' &&
        entry.kind !== 'extension-added' &&
        entry.kind !== 'blf-changed' &&
        entry.kind !== 'login',
    ).length,
    0,
    'no audit entry per fetch',
  );
});

t.test('a User-Agent of an unknown form: the pool phone’s own file by its MAC, logged', async (t) => {
  const w = await world(t);
  const reply = await w.get(PHONES.yealink.own, { ua: 'Yealink-NextGen/3.0 (T99X)' });
  t.equal(reply.status, 200, 'served by the MAC in the file name');
  t.equal(readPhoneConfig('yealink', reply.body).user, NAMES.yealink, 'the phone’s own idle account');
  const logged = w.logs().filter((line) => line['msg'] === 'unrecognised User-Agent');
  t.match(
    logged,
    [{ userAgent: 'Yealink-NextGen/3.0 (T99X)', file: PHONES.yealink.own }],
    'logged once, with what the phone sent',
  );
  t.equal(logged.length, 1);
  t.equal(
    (await w.get('001565000099.cfg', { ua: 'Yealink-NextGen/3.0 (T99X)' })).status,
    404,
    'a MAC not in the pool: 404',
  );
});

t.test('wrong token, unknown MAC, MAC mismatch and unknown files: the same 404', async (t) => {
  const w = await world(t);
  const refusals = await Promise.all([
    w.get('', { path: `/provisioning/tok-0123456789abcdeX/${PHONES.yealink.own}`, ua: PHONES.yealink.ua }),
    w.get('001565000099.cfg', { ua: 'Yealink SIP-T33G 124.86.0.40 00:15:65:00:00:99' }),
    w.get(PHONES.yealink.own, { ua: 'Yealink SIP-T33G 124.86.0.40 00:15:65:00:00:99' }),
    w.get('hotdesk.json', { ua: PHONES.yealink.ua }),
    w.get(PHONES.yealink.own),
    w.get('0004f2aabbcc.cfg', { ua: 'Fanvil X3U 2.12.16.17 0004f2aabbcc' }),
  ]);
  for (const reply of refusals) {
    t.equal(reply.status, 404);
    t.equal(reply.body, refusals[0]!.body, 'the same body');
    t.equal(reply.headers['content-type'], refusals[0]!.headers['content-type']);
    t.equal(reply.headers['content-length'], refusals[0]!.headers['content-length']);
  }
  t.equal(refusals[0]!.body, 'not found\n');
  const whys = w
    .logs()
    .filter((line) => line['msg'] === 'provisioning request refused (404)')
    .map((line) => line['why']);
  t.same(
    whys.sort(),
    ['mac-mismatch', 'unknown-file', 'unknown-file', 'unknown-mac', 'wrong-token', 'wrong-vendor'],
    'the log says why',
  );
  t.match(w.service.counters.refused, {
    'wrong-token': 1,
    'unknown-mac': 1,
    'mac-mismatch': 1,
    'unknown-file': 2,
    'wrong-vendor': 1,
  });
  t.notMatch(w.logText(), /tok-0123456789abcde/, 'neither token is logged');
});

t.test('traversal and odd encodings never reach a file', async (t) => {
  const w = await world(t);
  await writeFile(join(w.dir, 'templates-secret'), 'do-not-serve');
  const targets = [
    `/provisioning/${TOKEN}/../hotdesk.json`,
    `/provisioning/${TOKEN}/%2e%2e/hotdesk.json`,
    `/provisioning/${TOKEN}/%2E%2E%2Fhotdesk.json`,
    `/provisioning/${TOKEN}/..%2fhotdesk.json`,
    `/provisioning/${TOKEN}/%252e%252e%252fhotdesk.json`,
    `/provisioning/${TOKEN}/..\\hotdesk.json`,
    `/provisioning/${TOKEN}/001565aabbcc.cfg%00`,
    `/provisioning/../../etc/passwd`,
    `/provisioning/${TOKEN}/./001565aabbcc.cfg`,
    `/provisioning/${TOKEN}/sub/../001565aabbcc.cfg`,
  ];
  for (const target of targets) {
    const response = await raw(
      w.service.port,
      `GET ${target} HTTP/1.1\r\nHost: x\r\nUser-Agent: ${PHONES.yealink.ua}\r\nConnection: close\r\n\r\n`,
    );
    t.ok([400, 404].includes(statusOf(response)), `${target}: ${statusOf(response)}`);
    t.notMatch(response, /provisioningToken|do-not-serve|sip-secret|root:/, 'nothing leaks');
  }
  const nul = await raw(w.service.port, `GET /provisioning/${TOKEN}/a\u0000.cfg HTTP/1.1\r\nHost: x\r\n\r\n`);
  t.equal(statusOf(nul), 400, 'a raw NUL is refused by the parser');
  t.equal(w.service.counters.served, 0);
});

t.test('methods other than GET: 405 with Allow: GET', async (t) => {
  const w = await world(t);
  for (const method of ['HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS']) {
    const reply = await w.get(PHONES.yealink.own, { ua: PHONES.yealink.ua, method });
    t.equal(reply.status, 405, method);
    t.equal(reply.headers['allow'], 'GET');
  }
  const withBody = await raw(
    w.service.port,
    `POST /provisioning/${TOKEN}/x.cfg HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello`,
  );
  t.equal(statusOf(withBody), 405);
  t.match(withBody, /connection: close/i, 'a request with a body ends its connection');
});

t.test('an overlong URL: 414; overlong headers: 431', async (t) => {
  const w = await world(t);
  const long = await w.get('', { path: `/provisioning/${TOKEN}/${'a'.repeat(2000)}.cfg`, ua: PHONES.yealink.ua });
  t.equal(long.status, 414);
  const huge = await w
    .get(PHONES.yealink.own, { ua: PHONES.yealink.ua, headers: { 'X-Filler': 'x'.repeat(20_000) } })
    .catch(() => ({ status: 431 }));
  t.equal(huge.status, 431);
  t.equal(w.service.counters.server.uriTooLong, 1);
  t.equal(w.service.counters.served, 0);
  t.equal((await w.get(PHONES.yealink.own, { ua: PHONES.yealink.ua })).status, 200, 'still serving');
});

t.test('rate limit per client address: 429 with Retry-After', async (t) => {
  const w = await world(t, { rateLimit: { perSecond: 1, burst: 5 } });
  const statuses: number[] = [];
  let retryAfter: string | undefined;
  for (let i = 0; i < 8; i++) {
    const reply = await w.get(PHONES.yealink.own, { ua: PHONES.yealink.ua });
    statuses.push(reply.status);
    if (reply.status === 429) retryAfter = String(reply.headers['retry-after']);
  }
  t.same(statuses.slice(0, 5), [200, 200, 200, 200, 200], 'the burst is served');
  t.ok(statuses.slice(5).includes(429), 'then 429');
  t.match(retryAfter, /^[1-9]\d*$/, 'Retry-After in seconds');
  t.ok((w.service.counters.refused['rate-limited'] ?? 0) >= 1);
});

t.test('digest credentials, when set, guard the whole tree', async (t) => {
  const w = await world(t);
  const hash = (algorithm: 'MD5' | 'SHA-256', text: string) =>
    createHash(algorithm === 'MD5' ? 'md5' : 'sha256')
      .update(text)
      .digest('hex');
  await w.change({ kind: 'set-provisioning-auth', auth: buildProvisioningAuth('phones', 'correct horse', hash) });
  const path = `/provisioning/${TOKEN}/${PHONES.yealink.own}`;
  const challenged = await w.get(PHONES.yealink.own, { ua: PHONES.yealink.ua });
  t.equal(challenged.status, 401, 'no credentials: 401');
  const challenges = challenged.headers['www-authenticate'] as unknown as string;
  t.match(
    challenges,
    /^Digest realm="hotdesk provisioning", nonce="[^"]+", algorithm=MD5, qop="auth", Digest .*algorithm=SHA-256/,
    'MD5 offered first, SHA-256 too',
  );
  const nonce = /nonce="([^"]+)"/.exec(challenges)![1]!;
  const authorization = (algorithm: 'MD5' | 'SHA-256', password: string, nc: string) => {
    const ha1 = hash(algorithm, `phones:${PROVISIONING_REALM}:${password}`);
    const ha2 = hash(algorithm, `GET:${path}`);
    const response = hash(algorithm, `${ha1}:${nonce}:${nc}:abc:auth:${ha2}`);
    return (
      `Digest username="phones", realm="${PROVISIONING_REALM}", nonce="${nonce}", uri="${path}", ` +
      `algorithm=${algorithm}, response="${response}", qop=auth, nc=${nc}, cnonce="abc"`
    );
  };
  const md5 = await w.get(PHONES.yealink.own, {
    ua: PHONES.yealink.ua,
    headers: { Authorization: authorization('MD5', 'correct horse', '00000001') },
  });
  t.equal(md5.status, 200, 'MD5 credentials accepted');
  t.equal(readPhoneConfig('yealink', md5.body).user, 'HD0001');
  const sha = await w.get(PHONES.yealink.own, {
    ua: PHONES.yealink.ua,
    headers: { Authorization: authorization('SHA-256', 'correct horse', '00000002') },
  });
  t.equal(sha.status, 200, 'SHA-256 credentials accepted');
  const wrong = await w.get(PHONES.yealink.own, {
    ua: PHONES.yealink.ua,
    headers: { Authorization: authorization('MD5', 'wrong horse', '00000003') },
  });
  t.equal(wrong.status, 401, 'a wrong password: 401 again');
  t.notMatch(wrong.body, /wrong|password/, 'without saying why');
  const common = await w.get('y000000000124.cfg', { ua: PHONES.yealink.ua });
  t.equal(common.status, 401, 'common files too');
  const badToken = await w.get('', {
    path: `/provisioning/nope-0123456789abcdef/${PHONES.yealink.own}`,
    ua: PHONES.yealink.ua,
  });
  t.equal(badToken.status, 401, 'a wrong token is challenged like a right one');
  t.notMatch(w.logText(), /correct horse|response=/, 'credentials are not logged');

  await w.change({ kind: 'remove-provisioning-auth' });
  t.equal((await w.get(PHONES.yealink.own, { ua: PHONES.yealink.ua })).status, 200, 'removed: open again');
});

t.test('admin overrides: per-model, then vendor base, then shipped', async (t) => {
  const w = await world(t);
  const overrides = join(w.dir, 'templates', 'yealink');
  await mkdir(overrides, { recursive: true });
  const shipped = await readFile(join(SHIPPED_TEMPLATES, 'yealink', 'phone.cfg'), 'utf8');
  await writeFile(
    join(overrides, 'phone.cfg'),
    shipped.replace('#!version:1.0.0.1\n', '#!version:1.0.0.1\n## office base override\n'),
  );
  const base = await w.get(PHONES.yealink.own, { ua: PHONES.yealink.ua });
  t.match(base.body, /## office base override/, 'the vendor base override');
  await writeFile(join(overrides, 't33g.phone.cfg'), '#!version:1.0.0.1\n## t33g override for <%= it.phone.name %>\n');
  const model = await w.get(PHONES.yealink.own, { ua: PHONES.yealink.ua });
  t.equal(model.body, '#!version:1.0.0.1\n## t33g override for HD0001\n', 'the per-model override wins');
});

t.test('a broken override: logged with its file and line, the shipped template used', async (t) => {
  const w = await world(t);
  const expected = (await w.get(PHONES.snom.own, { ua: PHONES.snom.ua })).body;
  const overrides = join(w.dir, 'templates', 'snom');
  await mkdir(overrides, { recursive: true });
  const broken = join(overrides, 'phone.xml');
  await writeFile(broken, '<?xml version="1.0"?>\n<settings>\n<%= it.nothing.here %>\n</settings>\n');
  const reply = await w.get(PHONES.snom.own, { ua: PHONES.snom.ua });
  t.equal(reply.status, 200);
  t.equal(reply.body, expected, 'the shipped template’s output');
  const line = w.logs().find((entry) => String(entry['msg']).startsWith('template error in an admin override'));
  t.match(line, { template: broken, line: 3, level: 40 }, 'file and line in a warning');

  await writeFile(broken, '<?xml version="1.0"?>\n<% if (it.phone) { %>\n<settings/>\n');
  t.equal((await w.get(PHONES.snom.own, { ua: PHONES.snom.ua })).body, expected, 'a syntax error too');
  t.equal(w.service.counters.templateErrors, 2);
});

t.test('close() ends keep-alive connections', async (t) => {
  const w = await world(t);
  const agent = new http.Agent({ keepAlive: true });
  const reply = await new Promise<number>((resolve, reject) => {
    http
      .get(
        {
          host: '127.0.0.1',
          port: w.service.port,
          path: `/provisioning/${TOKEN}/${PHONES.yealink.own}`,
          agent,
          headers: { 'User-Agent': PHONES.yealink.ua },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      )
      .on('error', reject);
  });
  t.equal(reply, 200);
  const started = Date.now();
  await w.service.close();
  t.ok(Date.now() - started < 900, 'closed without waiting for the idle connection');
  agent.destroy();
});

t.test('phone files carry the ports hotdeskd listens on, not the stored ones', async (t) => {
  const w = await world(t, { sipPort: 15460 });
  const values = readYealink((await w.get(PHONES.yealink.own, { ua: PHONES.yealink.ua })).body).values;
  t.equal(values.get('account.1.sip_server.1.port'), '15460', 'the SIP port hotdeskd was given, not the stored 5060');
  t.equal(
    values.get('static.auto_provision.server.url'),
    `http://192.0.2.10:${w.service.port}/provisioning/${TOKEN}/`,
    'the HTTP port it listens on, not the stored 8088',
  );
  t.not(w.service.port, 8088);
});
