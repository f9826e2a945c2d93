/**
 * hotdesk doctor's verdicts, from facts to checks: a table of installations
 * (one thing wrong at a time) and the status and words each check gives.
 */
import t from 'tap';
import {
  checkInstallation,
  doctorExitCode,
  type DoctorCheck,
  type InstallationFacts,
} from '../../src/cli/check-installation.js';
import { createStore, type StoreData } from '../../src/store/schema.js';
import type { Catalogue } from '../../src/core/catalogue.js';

const NOW = '2026-11-22T08:00:00.000Z';
const catalogue: Catalogue = [{ id: 'yealink-t54w', vendor: 'yealink', name: 'T54W', keys: 27 }];

function office(edit: (data: StoreData) => StoreData = (data) => data): StoreData {
  return edit(createStore({ address: '192.0.2.10', provisioningToken: 'test-token-0123456789' }));
}

const phone = (name: string, applied: number, desired: number): StoreData['phones'][number] =>
  ({
    name,
    model: 'yealink-t54w',
    mac: `00:15:65:00:00:${name.slice(-2)}`,
    connection: { mode: 'lan' },
    appliedGeneration: applied,
    desiredGeneration: desired,
    location: { room: name.slice(-2) },
  }) as StoreData['phones'][number];

/** The front desk told of emergency calls (the store member `emergency.notify`). */
const withNotify = (data: StoreData, notify: string[]): StoreData => ({ ...data, emergency: { notify } }) as StoreData;

/** A healthy installation; each row changes one fact. */
function healthy(edit: (facts: InstallationFacts) => InstallationFacts = (facts) => facts): InstallationFacts {
  return edit({
    now: NOW,
    cliVersion: '1.2.0',
    storeFile: '/var/lib/hotdesk/hotdesk.json',
    store: {
      kind: 'ok',
      data: office((data) =>
        withNotify({ ...data, settings: { ...data.settings, trunk: { uri: 'sip:pbx.example.net' } } }, ['100']),
      ),
      mode: 0o100600,
    },
    daemon: {
      kind: 'running',
      pong: {
        pid: 42,
        version: '1.2.0',
        sip: { host: '0.0.0.0', port: 5060 },
        http: { host: '0.0.0.0', port: 8088 },
        served: {
          address: '192.0.2.10',
          sipPort: 5060,
          httpPort: 8088,
          fromStore: { sipPort: 5060, httpPort: 8088 },
          overridden: {},
        },
      },
    },
    localAddresses: ['127.0.0.1', '192.0.2.10', '::1'],
    sip: { target: 'udp 127.0.0.1:5060', result: { kind: 'answered', status: 200, reason: 'OK', ms: 1 } },
    http: { url: 'http://127.0.0.1:8088/', result: { kind: 'answered', status: 404, ms: 1 } },
    trunk: {
      uri: 'sip:pbx.example.net',
      result: { kind: 'answered', status: 200, reason: 'OK', ms: 20, date: 'Sun, 22 Nov 2026 08:00:05 GMT' },
    },
  });
}

const withData = (facts: InstallationFacts, edit: (data: StoreData) => StoreData): InstallationFacts =>
  facts.store.kind === 'ok' ? { ...facts, store: { ...facts.store, data: edit(facts.store.data) } } : facts;

/** With SIP over TLS probed (and HTTPS healthy). */
const withTls = (result: NonNullable<InstallationFacts['tls']>[number]['result']): InstallationFacts =>
  healthy((f) => ({
    ...f,
    tls: [
      {
        what: 'https',
        target: '127.0.0.1:8443',
        result: {
          kind: 'answered',
          ms: 2,
          validTo: '2027-11-22T00:00:00.000Z',
          trusted: 'DEPTH_ZERO_SELF_SIGNED_CERT',
        },
      },
      { what: 'sip-tls', target: '127.0.0.1:5061', result },
    ],
  }));

const find = (checks: DoctorCheck[], name: string): DoctorCheck | undefined =>
  checks.find((check) => check.name === name);

t.test('a healthy installation passes every check', async (t) => {
  const checks = checkInstallation(healthy(), catalogue);
  t.same(
    checks.map((check) => check.name),
    [
      'daemon',
      'sip',
      'http',
      'store',
      'ports',
      'address',
      'trunk',
      'dial-codes',
      'phones',
      'pin-alerts',
      'time-zone',
      'emergency-dialling',
      'emergency-location',
      'clock',
    ],
  );
  t.same(
    checks.filter((check) => check.status !== 'ok'),
    [],
  );
  t.equal(doctorExitCode(checks), 0);
  t.match(find(checks, 'time-zone')?.message, 'office time zone UTC: it is 2026-11-22 08:00 there');
  t.match(find(checks, 'trunk')?.message, 'trunk sip:pbx.example.net answers OPTIONS (200 OK, 20 ms)');
  t.equal(
    find(checks, 'emergency-dialling')?.message,
    'emergency numbers 112, 911 are dialled directly; 100 is told when one is',
  );
  t.equal(find(checks, 'emergency-location')?.message, 'no phones yet');
  const located = checkInstallation(
    withData(healthy(), (d) => ({
      ...d,
      phones: [phone('HD0001', 1, 1)],
      settings: {
        ...d.settings,
        civicAddress: { country: 'DE', city: 'Berlin', street: 'Unter den Linden', number: '5' },
      },
    })),
    catalogue,
  );
  t.equal(
    find(located, 'emergency-location')?.message,
    'every hot-desk phone has a desk location; office address Unter den Linden 5, Berlin, DE',
  );
});

// [what, facts, check name, status, message pattern, fix pattern]
const rows: [string, InstallationFacts, string, DoctorCheck['status'], RegExp, RegExp | undefined][] = [
  [
    'no daemon',
    healthy((f) => ({ ...f, daemon: { kind: 'absent' } })),
    'daemon',
    'problem',
    /hotdeskd is not running/,
    /systemctl start hotdeskd/,
  ],
  [
    'socket not ours',
    healthy((f) => ({ ...f, daemon: { kind: 'unreachable', problem: 'permission denied' } })),
    'daemon',
    'problem',
    /permission denied/,
    /sudo -u hotdesk/,
  ],
  [
    'old daemon after an upgrade',
    healthy((f) => ({ ...f, cliVersion: '1.3.0' })),
    'daemon',
    'warning',
    /version 1\.2\.0, this hotdesk is 1\.3\.0/,
    /systemctl restart hotdeskd/,
  ],
  [
    'SIP silent',
    healthy((f) => ({ ...f, sip: { target: 'udp 127.0.0.1:5060', result: { kind: 'timeout', ms: 2000 } } })),
    'sip',
    'problem',
    /does not answer OPTIONS on udp 127\.0\.0\.1:5060: no answer within 2 s/,
    /--sip-port/,
  ],
  [
    'HTTP refused',
    healthy((f) => ({ ...f, http: { url: 'http://127.0.0.1:8088/', result: { kind: 'refused' } } })),
    'http',
    'problem',
    /refused/,
    /--http-port/,
  ],
  [
    'HTTP answered by something else',
    healthy((f) => ({
      ...f,
      http: { url: 'http://127.0.0.1:8088/', result: { kind: 'answered', status: 200, ms: 1 } },
    })),
    'http',
    'warning',
    /answers 200/,
    /ss -ltnp/,
  ],
  [
    'TLS certificate expired',
    withTls({ kind: 'answered', ms: 3, validTo: '2026-11-01T00:00:00.000Z', trusted: 'CERT_HAS_EXPIRED' }),
    'sip-tls',
    'problem',
    /SIP over TLS on 127\.0\.0\.1:5061: its certificate expired on 2026-11-01/,
    /--tls-cert and --tls-key/,
  ],
  [
    'TLS certificate ending soon',
    withTls({ kind: 'answered', ms: 3, validTo: '2026-12-02T09:00:00.000Z', trusted: true }),
    'sip-tls',
    'warning',
    /certificate ends on 2026-12-02, in 10 day\(s\)/,
    /restart hotdeskd/,
  ],
  [
    'TLS port silent',
    withTls({ kind: 'timeout', ms: 2000 }),
    'sip-tls',
    'problem',
    /SIP over TLS does not answer on 127\.0\.0\.1:5061: no answer within 2 s/,
    /--tls-port/,
  ],
  [
    'trunk silent',
    healthy((f) => ({ ...f, trunk: { uri: 'sip:pbx.example.net', result: { kind: 'timeout', ms: 2000 } } })),
    'trunk',
    'problem',
    /does not answer OPTIONS: no answer within 2 s/,
    /hotdesk trunk set/,
  ],
  [
    'trunk host unknown',
    healthy((f) => ({
      ...f,
      trunk: {
        uri: 'sip:pbx.example.net',
        result: { kind: 'error', problem: 'cannot resolve pbx.example.net (ENOTFOUND)' },
      },
    })),
    'trunk',
    'problem',
    /ENOTFOUND/,
    /hotdesk trunk show/,
  ],
  [
    'trunk clock off',
    healthy((f) => ({
      ...f,
      trunk: {
        uri: 'sip:pbx.example.net',
        result: { kind: 'answered', status: 401, reason: 'Unauthorized', ms: 9, date: 'Sun, 22 Nov 2026 07:50:00 GMT' },
      },
    })),
    'trunk',
    'warning',
    /401 Unauthorized.*differ by 600 s/,
    /timedatectl/,
  ],
  [
    'trunk over TLS',
    healthy((f) => ({ ...f, trunk: { uri: 'sips:pbx.example.net', skipped: 'sips: (TLS) is not probed' } })),
    'trunk',
    'warning',
    /not checked: sips/,
    /test call/,
  ],
  [
    'no trunk',
    withData(healthy(), (d) => ({ ...d, settings: { ...d.settings, trunk: null } })),
    'trunk',
    'warning',
    /no trunk: emergency numbers \(112, 911\)/,
    /hotdesk trunk set/,
  ],
  [
    'loopback address',
    withData(healthy(), (d) => ({ ...d, settings: { ...d.settings, address: '127.0.0.1' } })),
    'address',
    'problem',
    /told to reach hotdeskd at 127\.0\.0\.1/,
    /hotdesk settings set address/,
  ],
  [
    'address not this machine’s',
    withData(healthy(), (d) => ({ ...d, settings: { ...d.settings, address: '192.168.1.10' } })),
    'address',
    'warning',
    /192\.168\.1\.10, which is not an address of this machine \(this machine has 192\.0\.2\.10\)/,
    new RegExp(
      String.raw`hotdesk settings set address 192\.0\.2\.10, then restart hotdeskd;` +
        String.raw` behind NAT, start hotdeskd with --public-address 192\.168\.1\.10`,
    ),
  ],
  [
    'a host name of another machine',
    withData(
      healthy((f) => ({ ...f, addressResolves: ['198.51.100.7'] })),
      (d) => ({ ...d, settings: { ...d.settings, address: 'pbx.example.net' } }),
    ),
    'address',
    'warning',
    /pbx\.example\.net, which resolves to 198\.51\.100\.7, not an address of this machine/,
    /settings set address 192\.0\.2\.10/,
  ],
  [
    'a port changed since the start',
    withData(healthy(), (d) => ({ ...d, settings: { ...d.settings, httpPort: 8090 } })),
    'ports',
    'problem',
    /^restart needed: http-port is 8090 in the store, hotdeskd listens on 8088$/,
    new RegExp(
      String.raw`^restart hotdeskd: systemctl restart hotdeskd \(or undo the ` +
        String.raw`change: hotdesk settings set http-port 8088 \(to keep 8088\)\)$`,
    ),
  ],
  [
    'the address changed since the start',
    withData(
      healthy((f) =>
        f.daemon.kind === 'running' && f.daemon.pong.served
          ? {
              ...f,
              localAddresses: ['192.0.2.10', '192.0.2.11'],
              daemon: {
                ...f.daemon,
                pong: { ...f.daemon.pong, served: { ...f.daemon.pong.served, fromStore: { address: '192.0.2.10' } } },
              },
            }
          : f,
      ),
      (d) => ({ ...d, settings: { ...d.settings, address: '192.0.2.11' } }),
    ),
    'ports',
    'problem',
    /^restart needed: address is 192\.0\.2\.11 in the store, hotdeskd announces 192\.0\.2\.10 in SIP$/,
    /systemctl restart hotdeskd/,
  ],
  [
    'an older hotdeskd writing the stored port',
    healthy((f) => ({
      ...f,
      daemon: {
        kind: 'running',
        pong: {
          pid: 42,
          version: '1.2.0',
          sip: { host: '0.0.0.0', port: 5070 },
          http: { host: '0.0.0.0', port: 8088 },
        },
      },
    })),
    'ports',
    'problem',
    /phones' files carry sip-port 5060 \(hotdeskd listens on 5070\)/,
    /hotdesk settings set sip-port 5070, then restart hotdeskd/,
  ],
  [
    'dial-code conflict',
    withData(healthy(), (d) => ({
      ...d,
      settings: { ...d.settings, dialCodes: { ...d.settings.dialCodes, intercom: '*70' } },
    })),
    'dial-codes',
    'problem',
    /intercom=\*70 start with \*7/,
    /hotdesk dial-codes remove intercom/,
  ],
  [
    'phones out of step',
    withData(healthy(), (d) => ({ ...d, phones: [phone('HD0001', 3, 3), phone('HD0002', 1, 2)] })),
    'phones',
    'warning',
    /1 phone\(s\) out of step .*: HD0002$/,
    /hotdesk provisioning/,
  ],
  [
    'no one told of emergency calls',
    withData(healthy(), (d) => withNotify(d, [])),
    'emergency-dialling',
    'warning',
    /nobody on site is told/,
    /hotdesk emergency notify add/,
  ],
  [
    "an emergency number only with a prefix (Kari's Law)",
    withData(healthy(), (d) => ({ ...d, settings: { ...d.settings, emergencyNumbers: ['9911'] } })),
    'emergency-dialling',
    'problem',
    /9911 needs the prefix 9: 911 must work dialled directly/,
    /hotdesk emergency add 911/,
  ],
  [
    'an extension that is an emergency number',
    withData(healthy(), (d) => ({ ...d, extensions: [{ number: '112' }] as StoreData['extensions'] })),
    'emergency-dialling',
    'problem',
    /extension 112 is also the emergency number 112/,
    /move extension 112/,
  ],
  [
    'a phone with no desk location',
    withData(healthy(), (d) => ({
      ...d,
      phones: [phone('HD0001', 1, 1), { ...phone('HD0002', 1, 1), location: undefined }],
    })),
    'emergency-location',
    'warning',
    /1 hot-desk phone\(s\) have no desk location.*: HD0002$/,
    /hotdesk phone set HD0002 --building/,
  ],
  [
    'locations sent with no office address',
    withData(healthy(), (d) => ({
      ...d,
      settings: { ...d.settings, trunk: { uri: 'sip:pbx.example.net', emergencyLocation: 'pidf-lo' } },
    })),
    'emergency-location',
    'warning',
    /no civic address/,
    /settings set civic-address country=/,
  ],
  [
    'bad time zone',
    withData(healthy(), (d) => ({ ...d, settings: { ...d.settings, timeZone: 'Mars/Olympus' } })),
    'time-zone',
    'problem',
    /"Mars\/Olympus" is not a time zone/,
    /settings set time-zone/,
  ],
  [
    'clock behind the audit trail',
    withData(healthy(), (d) => ({
      ...d,
      audit: [{ at: '2026-11-23T08:00:00.000Z', kind: 'login', actor: 'admin' }] as StoreData['audit'],
    })),
    'clock',
    'problem',
    /audit trail has an entry from 2026-11-23/,
    /timedatectl set-ntp true/,
  ],
  [
    'clock in the past',
    healthy((f) => ({
      ...f,
      now: '1970-01-01T00:00:10.000Z',
      trunk: { uri: 'sip:pbx.example.net', result: { kind: 'answered', status: 200, reason: 'OK', ms: 5 } },
    })),
    'clock',
    'problem',
    /cannot be right/,
    /timedatectl/,
  ],
  [
    'store unreadable',
    healthy((f) => ({ ...f, store: { kind: 'unreadable', problem: 'not valid JSON' } })),
    'store',
    'problem',
    /not valid JSON/,
    /data\/backups/,
  ],
  [
    'store missing',
    healthy((f) => ({ ...f, store: { kind: 'missing' } })),
    'store',
    'warning',
    /no store yet/,
    /start hotdeskd once/,
  ],
  [
    'store readable by others',
    healthy((f) => (f.store.kind === 'ok' ? { ...f, store: { ...f.store, mode: 0o100644 } } : f)),
    'store',
    'warning',
    /mode 644/,
    /chmod 600/,
  ],
];

for (const [what, facts, name, status, message, fix] of rows) {
  t.test(what, async (t) => {
    const checks = checkInstallation(facts, catalogue);
    const check = find(checks, name);
    t.equal(check?.status, status, `${name} is ${status}`);
    t.match(check?.message, message);
    if (fix) t.match(check?.fix, fix);
    // One thing wrong at a time: the other checks stay as they were.
    const others = checks.filter((other) => other.name !== name && other.status !== 'ok');
    t.same(
      others.map((other) => other.name),
      [],
      'no other check complains',
    );
    t.equal(doctorExitCode(checks), status === 'problem' ? 1 : 0, 'exit code');
  });
}

t.test('with no daemon, its ports are not judged; with no store, only the clock is', async (t) => {
  const noDaemon = checkInstallation(
    healthy((f) => ({ ...f, daemon: { kind: 'absent' }, sip: undefined, http: undefined }) as InstallationFacts),
    catalogue,
  );
  t.notOk(find(noDaemon, 'sip'));
  t.notOk(find(noDaemon, 'http'));
  const bare = checkInstallation(
    healthy((f) => ({ ...f, store: { kind: 'missing' }, daemon: { kind: 'absent' } })),
    catalogue,
  );
  t.same(
    bare.map((check) => check.name),
    ['daemon', 'store', 'clock'],
  );
});

t.test('ports a flag overrides are fine; an address set as --public-address is too', async (t) => {
  const facts = healthy((f) => ({
    ...f,
    daemon: {
      kind: 'running',
      pong: {
        pid: 42,
        version: '1.2.0',
        sip: { host: '0.0.0.0', port: 15460 },
        http: { host: '0.0.0.0', port: 18460 },
        served: {
          address: '203.0.113.5',
          publicAddress: '203.0.113.5',
          sipPort: 15460,
          httpPort: 18460,
          fromStore: {},
          overridden: { 'sip-port': '--sip-port', 'http-port': 'HOTDESK_HTTP_PORT' },
        },
      },
    },
  }));
  const checks = checkInstallation(
    withData(facts, (d) => ({ ...d, settings: { ...d.settings, address: '203.0.113.5' } })),
    catalogue,
  );
  t.match(find(checks, 'ports'), {
    status: 'ok',
    message:
      "phones' files carry the ports hotdeskd listens on: SIP 15460 (UDP and TCP), HTTP 18460 (--sip-port 15460 " +
      'over the stored sip-port 5060, HOTDESK_HTTP_PORT 18460 over the stored http-port 8088)',
  });
  t.match(find(checks, 'address'), { status: 'ok', message: /203\.0\.113\.5, its --public-address/ });
  t.equal(doctorExitCode(checks), 0);
});

t.test('an active failed-PIN burst is a warning', async (t) => {
  const failures = Array.from({ length: 10 }, (_, i) => ({
    at: `2026-11-22T07:55:${10 + i}.000Z`,
    kind: 'login-failed',
    actor: 'phone',
    extension: '101',
    phone: `HD000${i}`,
  }));
  const checks = checkInstallation(
    withData(healthy(), (d) => ({ ...d, audit: failures as StoreData['audit'] })),
    catalogue,
  );
  t.equal(find(checks, 'pin-alerts')?.status, 'warning');
  t.match(find(checks, 'pin-alerts')?.message, /extension 101, 10 failures in 10 minutes/);
});

t.test('TLS ports are checked in a fixed order, with their certificates', async (t) => {
  const checks = checkInstallation(
    withTls({ kind: 'answered', ms: 3, validTo: '2027-11-22T00:00:00.000Z', trusted: true }),
    catalogue,
  );
  t.same(
    checks.map((check) => check.name).slice(0, 5),
    ['daemon', 'sip', 'http', 'sip-tls', 'https'],
    'SIP over TLS, then HTTPS, after the plain ports',
  );
  t.match(
    find(checks, 'sip-tls')?.message,
    'SIP over TLS answers on 127.0.0.1:5061; certificate valid until 2027-11-22, trusted by this machine',
  );
  t.match(
    find(checks, 'https')?.message,
    /not trusted by this machine \(DEPTH_ZERO_SELF_SIGNED_CERT\): phones need its CA installed/,
  );
  t.equal(doctorExitCode(checks), 0);
});

t.test('accounts whose phones failed with the offered digest algorithm are a warning naming them', async (t) => {
  const none = checkInstallation(
    healthy((f) => ({ ...f, digestFailures: [] })),
    catalogue,
  ).find((check) => check.name === 'digest');
  t.match(none, { status: 'ok' });
  t.notOk(
    checkInstallation(healthy(), catalogue).find((check) => check.name === 'digest'),
    "not judged without the daemon's answer",
  );
  const failed = checkInstallation(
    healthy((f) => ({
      ...f,
      digestFailures: [
        {
          account: '101',
          offered: ['SHA-256', 'MD5'],
          kind: 'no-retry',
          source: '192.0.2.7',
          at: '2026-12-05T10:00:00.000Z',
        },
        {
          account: 'HD0002',
          offered: ['MD5'],
          kind: 'unoffered-algorithm',
          algorithm: 'SHA-256',
          source: '192.0.2.8',
          at: '2026-12-05T10:01:00.000Z',
        },
      ],
    })),
    catalogue,
  ).find((check) => check.name === 'digest');
  t.match(failed, { status: 'warning', fix: /hotdesk extension set NUMBER --digest md5/ });
  t.match(failed?.message, /101 did not answer a sha-256,md5 challenge \(from 192\.0\.2\.7/);
  t.match(failed?.message, /HD0002 answered SHA-256 to a md5 challenge/);
});
