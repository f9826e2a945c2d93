import t from 'tap';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/adapters/log.js';
import { logRelayRefused, RELAY_REFUSED_ALERT } from '../../src/daemon/relay-refusal-log.js';

const lines: string[] = [];
const log = createLogger({
  destination: new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  }),
  human: false,
  level: 'info',
});
logRelayRefused(log, '203.0.113.7', 'foreign-route', { method: 'INVITE' });
logRelayRefused(log, '192.0.2.50', 'unknown-dialog', {}, false);
t.match(
  lines[0],
  new RegExp(
    `^\\{"level":40,"time":\\d+,"name":"hotdeskd","alert":"${RELAY_REFUSED_ALERT}",` +
      `"source":"203\\.0\\.113\\.7","reason":"foreign-route","method":"INVITE","msg":`,
  ),
);
t.notMatch(lines[1], /"alert"/, 'a registered source: no alert for fail2ban');
t.match(lines[1], /"source":"192\.0\.2\.50","reason":"unknown-dialog"/);
