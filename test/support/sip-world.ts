/**
 * An office with hotdeskd's SIP side on a real UDP/TCP port on 127.0.0.1, and test phones for it;
 * with `inMemory`, on the in-memory network instead (fake-network.ts: no ports, same phones).
 */
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import type { Test } from 'tap';
import { openStoreWriter } from '../../src/adapters/json-store.js';
import { createLogger } from '../../src/adapters/log.js';
import { nodeDigestCrypto, nonceRandom } from '../../src/adapters/node-crypto.js';
import { createStoreService, type StoreService } from '../../src/daemon/store-service.js';
import { startSipStack } from '../../src/adapters/sip-stack.js';
import { startSipService, type SipService } from '../../src/daemon/sip/sip-service.js';
import { createDigestAuthenticator } from '../../src/daemon/sip/authenticator.js';
import { serializeStore } from '../../src/store/migrate.js';
import type { Change } from '../../src/store/changes.js';
import { addExtension, addPhone, office } from './office.js';
import { tempDir } from './temp-data.js';
import { startTestPhone, type PhoneOptions, type TestPhone } from './test-phone.js';
import { createFakeNetwork, type FakeNetwork } from './fake-network.js';

export interface World {
  sip: SipService;
  store: StoreService;
  server: { address: string; port: number };
  phone(user: string, password: string, answer?: number): Promise<TestPhone>;
  /** A test phone with more choices (its own address…), closed with the test. */
  openPhone(options: Omit<PhoneOptions, 'server' | 'socket'>): Promise<TestPhone>;
  /** The in-memory network, when the world runs on one. */
  network: FakeNetwork | undefined;
}

export interface WorldOptions {
  /** A fake clock for registrations, nonces and subscriptions. */
  now?: () => number;
  sweepMs?: number;
  /** Where the daemon logs (default: nowhere). */
  log?: ReturnType<typeof createLogger>;
  /** SIP on the in-memory network instead of real sockets. */
  inMemory?: boolean;
}

export async function world(t: Test, extra: Change[] = [], options: WorldOptions = {}): Promise<World> {
  const dir = await tempDir(t);
  const file = join(dir, 'hotdesk.json');
  const data = office(
    addExtension('100', 'Ada'),
    addExtension('101', 'Bob'),
    addExtension('201', 'Carol'),
    addPhone('001565000001'),
    { kind: 'set-settings', sipDomain: 'office.test' },
    ...extra,
  );
  await writeFile(file, serializeStore(data));
  const writer = await openStoreWriter(file, dir, () => {
    throw new Error('the store exists');
  });
  const store = createStoreService(writer);
  const network = options.inMemory ? createFakeNetwork() : undefined;
  const sip = await startSipService({
    startStack: network?.startStack ?? startSipStack,
    bind: '127.0.0.1',
    port: 0,
    log: options.log ?? createLogger({ level: 'silent' }),
    store,
    ...(options.now ? { now: options.now } : {}),
    ...(options.sweepMs ? { sweepMs: options.sweepMs } : {}),
    authenticator: (realm) =>
      createDigestAuthenticator({
        realm,
        store: () => store.data,
        crypto: nodeDigestCrypto,
        random: nonceRandom,
        secret: 'test-secret',
      }),
  });
  const server = { address: '127.0.0.1', port: sip.stack.transport.port };
  const phones: TestPhone[] = [];
  t.teardown(async () => {
    await Promise.all(phones.map((phone) => phone.close()));
    await sip.close();
  });
  const openPhone: World['openPhone'] = async (phoneOptions) => {
    const phone = await startTestPhone({
      ...phoneOptions,
      server,
      ...(network ? { socket: network.bind(phoneOptions.address) } : {}),
    });
    phones.push(phone);
    return phone;
  };
  return {
    sip,
    store,
    server,
    network,
    openPhone,
    phone: (user, password, answer) =>
      openPhone({ user, password, domain: 'office.test', ...(answer !== undefined ? { answer } : {}) }),
  };
}
