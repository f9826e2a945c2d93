/** hotdeskd's settings: defaults, environment, flags over environment, and refusals naming the setting. */
import t from 'tap';
import { ConfigError, parseDaemonConfig } from '../../src/daemon/config.js';

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) => parseDaemonConfig(argv, env, '0.0.0-test');

t.test('defaults', async (t) => {
  const config = parse([]);
  t.match(config, {
    sipPort: undefined,
    bind: '0.0.0.0',
    rtpPorts: { min: 10000, max: 10999 },
    httpPort: undefined,
    pnp: true,
    sipFloodLimit: 200,
    logLevel: 'info',
  });
  t.equal(config.digest, undefined, 'no flag: the store setting, else MD5 only');
  t.match(
    config,
    { tls: undefined, tlsPort: undefined, httpsPort: undefined },
    "TLS off unless a certificate and key are given; its ports: the store's, else 5061 and 8443",
  );
  t.match(config, { connectionsPerAddress: 64, tcpIdleTimeout: 3632 }, 'connection limits');
});

t.test('flags and environment', async (t) => {
  const cases: [string[], NodeJS.ProcessEnv, Record<string, unknown>][] = [
    [['--sip-flood-limit', '1000'], {}, { sipFloodLimit: 1000 }],
    [['--sip-flood-limit', '0'], {}, { sipFloodLimit: 0 }],
    [[], { HOTDESK_SIP_FLOOD_LIMIT: '50' }, { sipFloodLimit: 50 }],
    [['--sip-flood-limit', '70'], { HOTDESK_SIP_FLOOD_LIMIT: '50' }, { sipFloodLimit: 70 }],
    [['--rtp-ports', '20000-20099'], {}, { rtpPorts: { min: 20000, max: 20099 } }],
    [[], { HOTDESK_RTP_PORTS: '30000-30001' }, { rtpPorts: { min: 30000, max: 30001 } }],
    [['--http-port', '0'], {}, { httpPort: 0 }],
    [['--no-pnp'], {}, { pnp: false }],
    [[], { HOTDESK_PNP: 'off' }, { pnp: false }],
    [[], { HOTDESK_PNP: 'on' }, { pnp: true }],
    [['--digest', 'md5'], {}, { digest: ['MD5'] }],
    [
      ['--tls-cert', 'c.pem', '--tls-key', 'k.pem'],
      {},
      { tls: { certFile: 'c.pem', keyFile: 'k.pem' }, tlsPort: undefined, httpsPort: undefined },
    ],
    [
      [],
      { HOTDESK_TLS_CERT: '/etc/hotdesk/c.pem', HOTDESK_TLS_KEY: '/etc/hotdesk/k.pem' },
      { tls: { certFile: '/etc/hotdesk/c.pem', keyFile: '/etc/hotdesk/k.pem' } },
    ],
    [
      ['--tls-key', 'flag.pem'],
      { HOTDESK_TLS_CERT: 'c.pem', HOTDESK_TLS_KEY: 'env.pem' },
      { tls: { certFile: 'c.pem', keyFile: 'flag.pem' } },
    ],
    [['--tls-port', '0', '--https-port', '0'], {}, { tlsPort: 0, httpsPort: 0 }],
    [[], { HOTDESK_TLS_PORT: '5071', HOTDESK_HTTPS_PORT: '9443' }, { tlsPort: 5071, httpsPort: 9443 }],
    [['--https-port', '8444'], { HOTDESK_HTTPS_PORT: '9443' }, { httpsPort: 8444 }],
    [['--connections-per-address', '8'], {}, { connectionsPerAddress: 8 }],
    [[], { HOTDESK_CONNECTIONS_PER_ADDRESS: '300' }, { connectionsPerAddress: 300 }],
    [['--tcp-idle-timeout', '2'], { HOTDESK_TCP_IDLE_TIMEOUT: '7200' }, { tcpIdleTimeout: 2 }],
    [[], { HOTDESK_TCP_IDLE_TIMEOUT: '7232' }, { tcpIdleTimeout: 7232 }],
  ];
  for (const [argv, env, expected] of cases)
    t.match(parse(argv, env), expected, `${argv.join(' ')} ${JSON.stringify(env)}`);
});

t.test('refusals name the setting, the value and what was expected', async (t) => {
  const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
    [['--sip-flood-limit', 'lots'], {}, /^--sip-flood-limit: "lots" is not valid \(expected a whole number/],
    [['--sip-flood-limit', '-5'], {}, /^--sip-flood-limit: "-5"/],
    [[], { HOTDESK_SIP_FLOOD_LIMIT: '1.5' }, /^HOTDESK_SIP_FLOOD_LIMIT: "1.5"/],
    [['--rtp-ports', '10000'], {}, /^--rtp-ports: "10000" is not valid \(expected A-B/],
    [['--rtp-ports', '2000-1000'], {}, /^--rtp-ports: "2000-1000"/],
    [['--http-port', '70000'], {}, /^--http-port: "70000" is not valid \(expected a port/],
    [[], { HOTDESK_PNP: 'maybe' }, /^HOTDESK_PNP: "maybe" is not valid \(expected on or off\)/],
    [['--bind', 'example.org'], {}, /^--bind: "example.org"/],
    [['--log-level', 'loud'], {}, /^--log-level: "loud"/],
    [
      ['--tls-cert', 'c.pem'],
      {},
      new RegExp(
        String.raw`^--tls-cert: "c.pem" is not valid \(expected both --tls-cert ` +
          String.raw`and --tls-key \(HOTDESK_TLS_CERT, HOTDESK_TLS_KEY\) or neither\)`,
      ),
    ],
    [['--tls-key', 'k.pem'], {}, /^--tls-key: "k.pem" is not valid \(expected both --tls-cert and --tls-key/],
    [[], { HOTDESK_TLS_CERT: 'c.pem' }, /^HOTDESK_TLS_CERT: "c.pem" is not valid \(expected both/],
    [[], { HOTDESK_TLS_CERT: 'c.pem', HOTDESK_TLS_KEY: '' }, /^HOTDESK_TLS_CERT: "c.pem" is not valid \(expected both/],
    [['--tls-port', '65536'], {}, /^--tls-port: "65536" is not valid \(expected a port/],
    [[], { HOTDESK_HTTPS_PORT: 'https' }, /^HOTDESK_HTTPS_PORT: "https" is not valid \(expected a port/],
    [
      ['--connections-per-address', '0'],
      {},
      /^--connections-per-address: "0" is not valid \(expected a whole number of connections/,
    ],
    [
      [],
      { HOTDESK_TCP_IDLE_TIMEOUT: '1h' },
      /^HOTDESK_TCP_IDLE_TIMEOUT: "1h" is not valid \(expected a whole number of seconds/,
    ],
  ];
  for (const [argv, env, message] of cases) {
    let thrown: unknown;
    try {
      parse(argv, env);
    } catch (error) {
      thrown = error;
    }
    t.ok(thrown instanceof ConfigError, `${argv.join(' ')} ${JSON.stringify(env)}: a ConfigError`);
    t.match((thrown as Error | undefined)?.message, message);
  }
});

t.test('ports the store would give, overridden by a flag or a variable, say by which', async (t) => {
  t.same(parse([]).overridden, {}, 'no flag, no variable: the store decides');
  t.same(parse(['--sip-port', '15460']).overridden, { 'sip-port': '--sip-port' });
  t.same(parse([], { HOTDESK_HTTP_PORT: '18460' }).overridden, { 'http-port': 'HOTDESK_HTTP_PORT' });
  t.match(
    parse(['--http-port', '0'], { HOTDESK_SIP_PORT: '0' }),
    { sipPort: 0, httpPort: 0, overridden: { 'sip-port': 'HOTDESK_SIP_PORT', 'http-port': '--http-port' } },
    'port 0 is an override too',
  );
});
