import t from 'tap';
import {
  contactHostOf,
  devicesOf,
  phoneOfRegistration,
  phoneOfRequest,
  sameDevice,
} from '../../src/sip/phone-identity.js';
import type { Binding, LocationTable } from '../../src/sip/location.js';
import type { Endpoint } from '../../src/sip/message.js';

const udp = (address: string, port: number): Endpoint => ({ protocol: 'UDP', address, port });
const deskA = udp('10.0.0.5', 5060);
const deskB = udp('10.0.0.6', 5060);
const phones = [
  { name: 'HD0001', extension: '100' },
  { name: 'HD0002', extension: undefined },
  { name: 'HD0003', extension: '100' },
];

const binding = (aor: string, source: Endpoint, contact: string, phone?: string, expiresAt = 10_000): Binding => ({
  aor,
  contact,
  source,
  expiresAt,
  callId: `${aor}-${source.port}`,
  cseq: 1,
  ...(phone ? { phone } : {}),
});

t.test('contact host:port, with the default port and IPv6', async (t) => {
  t.equal(contactHostOf('sip:100@10.0.0.5:5062;transport=udp'), '10.0.0.5:5062');
  t.equal(contactHostOf('sip:HD0001@Phone.Lan'), 'phone.lan:5060');
  t.equal(contactHostOf('sip:100@[2001:db8::1]:5070'), '[2001:db8::1]:5070');
  t.equal(contactHostOf('not a uri'), 'not a uri');
});

t.test('the same device: same flow, or same address and contact after a reconnect', async (t) => {
  const device = {
    source: { protocol: 'TCP' as const, address: '10.0.0.5', port: 40000 },
    contactHost: '10.0.0.5:5060',
  };
  t.ok(sameDevice(device, { protocol: 'TCP', address: '10.0.0.5', port: 40000 }, undefined));
  t.ok(
    sameDevice(device, { protocol: 'TCP', address: '10.0.0.5', port: 40001 }, 'sip:100@10.0.0.5:5060;transport=tcp'),
  );
  t.notOk(sameDevice(device, { protocol: 'TCP', address: '10.0.0.5', port: 40001 }, 'sip:100@10.0.0.5:5070'));
  t.notOk(
    sameDevice(device, { protocol: 'TCP', address: '10.0.0.9', port: 40001 }, 'sip:100@10.0.0.5:5060'),
    'another address is another device',
  );
  t.notOk(sameDevice(device, { protocol: 'TCP', address: '10.0.0.5', port: 40001 }, undefined));
});

t.test(
  'a registration belongs to the phone whose account it is, or to the phone the user is logged in on from that device',
  async (t) => {
    const devices = new Map([
      ['HD0001', { source: deskA, contactHost: '10.0.0.5:5060' }],
      ['HD0003', { source: deskB, contactHost: '10.0.0.6:5060' }],
    ]);
    t.equal(phoneOfRegistration('HD0002', udp('10.0.0.7', 5060), 'sip:HD0002@10.0.0.7', phones, devices), 'HD0002');
    t.equal(phoneOfRegistration('100', deskA, 'sip:100@10.0.0.5', phones, devices), 'HD0001');
    t.equal(
      phoneOfRegistration('100', deskB, 'sip:100@10.0.0.6', phones, devices),
      'HD0003',
      'the same user on two phones',
    );
    t.equal(
      phoneOfRegistration('100', udp('10.0.0.99', 5060), 'sip:100@10.0.0.99', phones, devices),
      undefined,
      "the user's softphone",
    );
    t.equal(
      phoneOfRegistration('101', deskA, 'sip:101@10.0.0.5', phones, devices),
      undefined,
      'not the user logged in there',
    );
    t.equal(
      phoneOfRegistration('100', deskA, 'sip:100@10.0.0.5', phones, new Map()),
      undefined,
      'a phone never seen is not guessed',
    );
  },
);

t.test(
  'a request comes from the phone whose registration it is sent from, never from what its headers say',
  async (t) => {
    const location: LocationTable = new Map([
      [
        '100',
        [
          binding('100', deskA, 'sip:100@10.0.0.5', 'HD0001'),
          binding('100', udp('10.0.0.99', 5060), 'sip:100@10.0.0.99'),
        ],
      ],
      ['HD0002', [binding('HD0002', udp('10.0.0.7', 5060), 'sip:HD0002@10.0.0.7', 'HD0002')]],
    ]);
    t.equal(phoneOfRequest('HD0002', udp('10.0.0.7', 5060), undefined, phones, location, 0), 'HD0002');
    t.equal(
      phoneOfRequest('HD0002', udp('10.0.0.8', 5060), undefined, phones, location, 0),
      undefined,
      'its password from another address',
    );
    t.equal(
      phoneOfRequest('HD0002', udp('10.0.0.7', 5061), undefined, phones, location, 0),
      undefined,
      'its password from another port',
    );
    t.equal(
      phoneOfRequest('HD0002', udp('10.0.0.7', 5060), undefined, phones, location, 20_000),
      undefined,
      'its registration expired',
    );
    t.equal(
      phoneOfRequest('HD0001', deskA, undefined, phones, location, 0),
      undefined,
      'an idle account with no registration of its own',
    );
    t.equal(phoneOfRequest('100', deskA, 'sip:100@10.0.0.5', phones, location, 0), 'HD0001');
    t.equal(
      phoneOfRequest('100', udp('10.0.0.99', 5060), 'sip:100@10.0.0.5', phones, location, 0),
      undefined,
      "a softphone claiming the desk's contact",
    );
    t.equal(
      phoneOfRequest('100', deskA, undefined, phones, location, 20_000),
      undefined,
      'an expired registration proves nothing',
    );
    const loggedOut = phones.map((phone) => (phone.name === 'HD0001' ? { ...phone, extension: undefined } : phone));
    t.equal(
      phoneOfRequest('100', deskA, undefined, loggedOut, location, 0),
      undefined,
      'the user is no longer on that phone',
    );
  },
);

t.test('devices are seeded from saved registrations', async (t) => {
  const devices = devicesOf([
    binding('100', deskA, 'sip:100@10.0.0.5:5062', 'HD0001'),
    binding('101', deskB, 'sip:101@10.0.0.6'),
  ]);
  t.same([...devices.keys()], ['HD0001']);
  t.same(devices.get('HD0001'), { source: deskA, contactHost: '10.0.0.5:5062' });
});
