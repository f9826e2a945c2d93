import t from 'tap';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/adapters/log.js';
import { logSecurityRefusal } from '../../src/daemon/security-refusal-log.js';
import { ROOT } from '../support/run-cli.js';

t.test('a security refusal is the fail2ban line, with its reason after the source', async (t) => {
  let text = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  logSecurityRefusal(
    createLogger({ destination, human: false }),
    '203.0.113.9',
    'idle-account-not-registered-here',
    'refused',
  );
  const line = text.trim();
  t.match(
    line,
    new RegExp(
      String.raw`"name":"hotdeskd","alert":"sip-auth-blocked","source":"203\.0\.113\.9",` +
        String.raw`"reason":"idle-account-not-registered-here","msg":"refused"`,
    ),
  );
  const filter = await readFile(join(ROOT, 'templates', 'fail2ban', 'filter.d', 'hotdeskd.conf'), 'utf8');
  const failregex = /^failregex = (.*)$/m.exec(filter)![1]!.replace('<ADDR>', '(?<addr>[0-9a-f.:]+)');
  t.equal(new RegExp(failregex).exec(line)?.groups?.['addr'], '203.0.113.9', 'the shipped filter finds the source');
});

t.test("a provisioning file asked for from another address than its phone's is the same line", async (t) => {
  let text = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  logSecurityRefusal(
    createLogger({ destination, human: false }),
    '2001:db8::7',
    'provisioning-file-elsewhere',
    'refused',
  );
  const line = text.trim();
  t.match(
    line,
    /"name":"hotdeskd","alert":"sip-auth-blocked","source":"2001:db8::7","reason":"provisioning-file-elsewhere"/,
  );
  const filter = await readFile(join(ROOT, 'templates', 'fail2ban', 'filter.d', 'hotdeskd.conf'), 'utf8');
  const failregex = /^failregex = (.*)$/m.exec(filter)![1]!.replace('<ADDR>', '(?<addr>[0-9a-f.:]+)');
  t.equal(new RegExp(failregex).exec(line)?.groups?.['addr'], '2001:db8::7', 'the shipped filter finds the source');
});
