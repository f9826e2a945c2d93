/**
 * templates/systemd/hotdeskd.service: its own user, the hardening the README
 * promises, state in /var/lib/hotdesk handed to hotdeskd as HOTDESK_DATA,
 * reload by SIGHUP, and only environment variables hotdeskd knows.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { daemonProgram } from '../../src/daemon/config.js';
import { ROOT } from '../support/run-cli.js';

type Unit = Record<string, [string, string][]>;

/** systemd's unit syntax, enough for this file: sections, `Key=value`, comments. */
function parseUnit(text: string): Unit {
  const unit: Unit = {};
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const heading = /^\[(.+)\]$/.exec(line);
    if (heading) {
      section = heading[1]!;
      unit[section] ??= [];
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0 || !section) throw new Error(`not a unit line: ${line}`);
    unit[section]!.push([line.slice(0, eq).trim(), line.slice(eq + 1).trim()]);
  }
  return unit;
}

const unit = parseUnit(readFileSync(join(ROOT, 'templates', 'systemd', 'hotdeskd.service'), 'utf8'));
const all = (section: string, key: string): string[] =>
  (unit[section] ?? []).filter(([name]) => name === key).map(([, value]) => value);
const one = (section: string, key: string): string | undefined => all(section, key).at(-1);

t.test('sections', async (t) => {
  t.same(Object.keys(unit), ['Unit', 'Service', 'Install']);
  t.equal(one('Install', 'WantedBy'), 'multi-user.target');
  t.equal(one('Unit', 'After'), 'network-online.target');
});

t.test('runs as its own user, never root', async (t) => {
  t.equal(one('Service', 'User'), 'hotdesk');
  t.equal(one('Service', 'Group'), 'hotdesk');
  t.equal(one('Service', 'CapabilityBoundingSet'), '', 'no capabilities (every port is above 1024)');
  t.equal(one('Service', 'AmbientCapabilities'), '');
});

t.test('hardened', async (t) => {
  const expected: [string, string][] = [
    ['NoNewPrivileges', 'yes'],
    ['ProtectSystem', 'strict'],
    ['ProtectHome', 'yes'],
    ['PrivateTmp', 'yes'],
    ['PrivateDevices', 'yes'],
    ['ProtectKernelTunables', 'yes'],
    ['ProtectKernelModules', 'yes'],
    ['ProtectControlGroups', 'yes'],
    ['RestrictSUIDSGID', 'yes'],
    ['RestrictNamespaces', 'yes'],
    ['LockPersonality', 'yes'],
    ['UMask', '0077'],
    ['SystemCallFilter', '@system-service'],
  ];
  for (const [key, value] of expected) t.equal(one('Service', key), value, key);
  t.same(
    one('Service', 'RestrictAddressFamilies')?.split(/\s+/).sort(),
    ['AF_INET', 'AF_INET6', 'AF_NETLINK', 'AF_UNIX'],
    'IP, the control socket, and netlink for the interface list',
  );
  t.not(one('Service', 'MemoryDenyWriteExecute'), 'yes', "Node's JIT needs writable code pages");
});

t.test('state in /var/lib/hotdesk, given to hotdeskd as its data directory', async (t) => {
  t.equal(one('Service', 'StateDirectory'), 'hotdesk');
  t.equal(one('Service', 'StateDirectoryMode'), '0700');
  t.ok(all('Service', 'Environment').includes('HOTDESK_DATA=/var/lib/hotdesk'));
  t.ok(all('Service', 'ReadWritePaths').includes('/var/lib/hotdesk'));
});

t.test('starts hotdeskd, reloads with SIGHUP, stops with SIGTERM', async (t) => {
  t.match(one('Service', 'ExecStart'), /^\/\S+\/hotdeskd$/);
  t.equal(one('Service', 'ExecReload'), '/bin/kill -HUP $MAINPID');
  t.equal(one('Service', 'KillSignal'), 'SIGTERM');
  t.equal(one('Service', 'Restart'), 'on-failure');
  t.equal(
    one('Service', 'SyslogIdentifier'),
    'hotdeskd',
    'journal lines say hotdeskd[PID] (the fail2ban jail reads them by unit)',
  );
});

t.test('only environment variables hotdeskd knows', async (t) => {
  const known = new Set(
    daemonProgram('0.0.0').options.flatMap((option) => option.description.match(/\bHOTDESK_[A-Z_]+\b/g) ?? []),
  );
  t.ok(known.has('HOTDESK_DATA'));
  for (const assignment of all('Service', 'Environment')) {
    const name = assignment.split('=')[0]!;
    t.ok(!name.startsWith('HOTDESK_') || known.has(name), `${name} is a hotdeskd variable`);
  }
});
