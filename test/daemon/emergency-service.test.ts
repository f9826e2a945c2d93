/** The emergency service with fakes: what it records, logs and says, and that a failing step stops none of the others. */
import t from 'tap';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createEmergencyService, describeDialled } from '../../src/daemon/emergency-service.js';
import type { StoreService } from '../../src/daemon/store-service.js';
import type { Change } from '../../src/store/changes.js';
import type { StoreData } from '../../src/store/schema.js';
import { addExtension, addPhone, office } from '../support/office.js';

function withDesk(): StoreData {
  const data = office(addExtension('100', 'Front Desk'), addExtension('101', 'Ada Lovelace'), addPhone('001565000001'), { kind: 'login', extension: '101', phone: 'HD0001', actor: 'admin' });
  // The desk's location fields, as `hotdesk phone set` stores them.
  const phones = data.phones.map((phone) => ({ ...phone, location: { building: 'A', floor: '2', room: '214' }, emergencyCallback: '+15551234567' }));
  return { ...data, phones, emergency: { notify: ['100', '101'] } };
}

function harness(data: StoreData, announce?: (extension: string) => Promise<never[] | ('heard' | 'not-answered')[]>) {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(JSON.parse(chunk.toString())), done()) }));
  const submitted: Change[] = [];
  const said: { extension: string; prompts: string[]; language: string }[] = [];
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
  });
  return { service, lines, submitted, said };
}

t.test('a desk with a location: recorded, one monitoring line, the front desk told (not the caller)', async (t) => {
  const { service, lines, submitted, said } = harness(withDesk());
  await service.dialled({ number: '112', account: '101', phone: 'HD0001' });
  t.same(submitted, [
    { kind: 'emergency-call', call: { number: '112', account: '101', phone: 'HD0001', extension: '101', user: 'Ada Lovelace', callback: '+15551234567', location: 'building A, floor 2, room 214' } },
  ]);
  const monitoring = lines.filter((line) => line['alert'] === 'emergency-call');
  t.equal(monitoring.length, 1);
  t.equal(monitoring[0]!['msg'], 'EMERGENCY call from HD0001 ext 101 to 112');
  t.same(said.map((entry) => entry.extension), ['100'], 'the caller is not called about their own call');
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
  t.same(describeDialled(data, { number: '112', account: '100' }), { number: '112', account: '100', extension: '100', user: 'Front Desk' }, 'a softphone');
  t.same(describeDialled(data, { number: '112', account: 'HD0009', phone: 'HD0009' }), { number: '112', account: 'HD0009' }, 'an unknown phone');
});
