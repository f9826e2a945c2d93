/**
 * The emergency service with fakes: what it records, logs and says, and that a failing step stops none of the
 * others.
 */
import t from 'tap';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createEmergencyService, describeDialled } from '../../src/daemon/emergency-service.js';
import type { StoreService } from '../../src/daemon/store-service.js';
import type { Change } from '../../src/store/changes.js';
import type { StoreData } from '../../src/store/schema.js';
import type { Spoken } from '../../src/media/announcement-call.js';
import { addExtension, addPhone, office } from '../support/office.js';

function withDesk(): StoreData {
  const data = office(
    addExtension('100', 'Front Desk'),
    addExtension('101', 'Ada Lovelace'),
    addPhone('001565000001'),
    { kind: 'login', extension: '101', phone: 'HD0001', actor: 'admin' },
  );
  // The desk's location fields, as `hotdesk phone set` stores them.
  const phones = data.phones.map((phone) => ({
    ...phone,
    location: { building: 'A', floor: '2', room: '214' },
    emergencyCallback: '+15551234567',
  }));
  return { ...data, phones, emergency: { notify: ['100', '101'] } };
}

function harness(
  data: StoreData,
  announce?: (extension: string) => Promise<never[] | ('heard' | 'not-answered')[]>,
  speak?: (text: string, language: string) => Promise<Int16Array | undefined>,
) {
  const lines: Record<string, unknown>[] = [];
  const log = pino(
    { level: 'info' },
    new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(JSON.parse(chunk.toString())), done()) }),
  );
  const submitted: Change[] = [];
  const said: { extension: string; prompts: Spoken[]; language: string }[] = [];
  const store = { data } as unknown as StoreService;
  const service = createEmergencyService({
    store,
    log,
    submit: async (change) => {
      submitted.push(change);
      return { ok: true, result: { kind: 'done', message: '', warnings: [] } };
    },
    announce: async (extension, announcement) => {
      said.push({ extension, prompts: announcement.prompts, language: announcement.language });
      return announce ? announce(extension) : ['heard'];
    },
    ...(speak ? { speak } : {}),
  });
  return { service, lines, submitted, said };
}

t.test('a desk with a location: recorded, one monitoring line, the front desk told (not the caller)', async (t) => {
  const { service, lines, submitted, said } = harness(withDesk());
  await service.dialled({ number: '112', account: '101', phone: 'HD0001' });
  t.same(submitted, [
    {
      kind: 'emergency-call',
      call: {
        number: '112',
        account: '101',
        phone: 'HD0001',
        extension: '101',
        user: 'Ada Lovelace',
        callback: '+15551234567',
        location: 'building A, floor 2, room 214',
      },
    },
  ]);
  const monitoring = lines.filter((line) => line['alert'] === 'emergency-call');
  t.equal(monitoring.length, 1);
  t.equal(monitoring[0]!['msg'], 'EMERGENCY call from HD0001 ext 101 to 112');
  t.same(
    said.map((entry) => entry.extension),
    ['100'],
    'the caller is not called about their own call',
  );
  t.same(said[0]!.prompts.slice(0, 2), ['emergency-call', 'emergency-from-desk']);
  t.ok(said[0]!.prompts.includes('emergency-room'), 'the room is said');
  t.equal(said[0]!.language, 'en', 'in the office language');
});

t.test('a notify extension that fails or is not registered is logged; the record is still made', async (t) => {
  const data = withDesk();
  const { service, lines, submitted } = harness({ ...data, emergency: { notify: ['100'] } }, async () => {
    throw new Error('no RTP port');
  });
  await service.dialled({ number: '911', account: 'HD0001', phone: 'HD0001' });
  t.equal(submitted.length, 1);
  t.ok(lines.some((line) => line['msg'] === 'emergency notification call failed'));
  const unregistered = harness({ ...data, emergency: { notify: ['100'] } }, async () => []);
  await unregistered.service.dialled({ number: '911', account: '101', phone: 'HD0001' });
  t.ok(unregistered.lines.some((line) => String(line['msg']).includes('not registered')));
});

t.test('nobody to notify: a warning in the log', async (t) => {
  const { service, lines, said } = harness({ ...withDesk(), emergency: {} });
  await service.dialled({ number: '112', account: '101' });
  t.same(said, []);
  t.ok(lines.some((line) => String(line['msg']).includes('no notify extension')));
});

t.test('describing the caller', async (t) => {
  const data = withDesk();
  t.same(
    describeDialled(data, { number: '112', account: '100' }),
    { number: '112', account: '100', extension: '100', user: 'Front Desk' },
    'a softphone',
  );
  t.same(
    describeDialled(data, { number: '112', account: 'HD0009', phone: 'HD0009' }),
    { number: '112', account: 'HD0009' },
    'an unknown phone',
  );
});

t.test(
  "the user's name is spoken after the extension when speech is at hand; without it, or when it fails, it is left out",
  async (t) => {
    const voice = Int16Array.from([1, 2, 3]);
    const asked: [string, string][] = [];
    const spoken = harness(withDesk(), undefined, async (text, language) => {
      asked.push([text, language]);
      return voice;
    });
    await spoken.service.dialled({ number: '112', account: '101', phone: 'HD0001' });
    t.same(asked, [['Ada Lovelace', 'en']], 'the name, once, in the office language');
    const words = spoken.said[0]!.prompts;
    t.equal(words.at(-1), voice, 'the name comes last, after "by extension 1 0 1"');
    t.same(words.slice(-5, -1), ['emergency-by-extension', 'digit-1', 'digit-0', 'digit-1']);

    const failing = harness(withDesk(), undefined, async () => {
      throw new Error('espeak-ng crashed');
    });
    await failing.service.dialled({ number: '112', account: '101', phone: 'HD0001' });
    t.equal(failing.said.length, 1, 'the front desk is still called');
    t.ok(
      failing.said[0]!.prompts.every((word) => typeof word === 'string'),
      'without the name',
    );

    const silent = harness(withDesk(), undefined, async () => undefined);
    await silent.service.dialled({ number: '112', account: '101', phone: 'HD0001' });
    t.same(silent.said[0]!.prompts.at(-1), 'digit-1', 'no speech: ends with the extension');

    const idle = harness(withDesk(), undefined, async () => voice);
    await idle.service.dialled({ number: '112', account: 'HD0002', phone: 'HD0002' });
    t.ok(
      idle.said.every((entry) => entry.prompts.every((word) => typeof word === 'string')),
      'an idle desk has no user: no name',
    );
  },
);
