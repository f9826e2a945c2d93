/** `hotdesk status --watch` needs a terminal: without one it refuses in one line, like add-phone without flags. */
import t from 'tap';
import { runCli } from '../support/run-cli.js';
import { tempData } from '../support/temp-data.js';

t.test('status --watch without a terminal refuses in one line with exit 2', async (t) => {
  const paths = await tempData(t);
  const watch = await runCli(paths.dir, ['status', '--watch']);
  t.equal(watch.code, 2);
  t.equal(watch.stdout, '');
  t.match(
    watch.stderr,
    new RegExp(
      String.raw`^hotdesk: status --watch needs a terminal; without one, ` +
        String.raw`hotdesk status prints the table once \(--json for scripts\)\n$`,
    ),
  );
  t.notMatch(watch.stderr, /at |React|Error/, 'no stack trace');

  const once = await runCli(paths.dir, ['status']);
  t.equal(once.code, 0, 'plain status still answers without a terminal');
});
