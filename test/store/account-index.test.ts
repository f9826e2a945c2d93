import t from 'tap';
import { accountIndex } from '../../src/store/account-index.js';
import { addExtension, addPhone, office } from '../support/office.js';

const data = office(
  addExtension('100', 'Ada'),
  addExtension('101', 'Bob'),
  addPhone('001565000001'),
  addPhone('001565000002'),
  { kind: 'login', extension: '100', phone: 'HD0001', actor: 'user' },
  { kind: 'login', extension: '100', phone: 'HD0002', actor: 'user' },
);

t.test('answers as a search of the store would', async (t) => {
  const index = accountIndex(data);
  for (const number of ['100', '101', '999', 'HD0001', '']) {
    t.equal(
      index.extension(number),
      data.extensions.find((ext) => ext.number === number),
      `extension ${number || '(empty)'}`,
    );
    t.equal(
      index.phone(number),
      data.phones.find((phone) => phone.name === number),
      `phone ${number || '(empty)'}`,
    );
    t.same(
      index.phonesOf(number),
      data.phones.filter((phone) => phone.session?.extension === number),
      `phones of ${number || '(empty)'}`,
    );
  }
  t.equal(index.password('100'), 'secret-100');
  t.equal(index.password('HD0002'), 'idle-001565000002');
  t.equal(index.password('102'), undefined);
  t.ok(index.has('101') && index.has('HD0001'));
  t.notOk(index.has('hd0001'), 'account names are exact, as phones register them');
  t.equal(index.phonesOf('100').length, 1, 'the phone extension 100 is logged in on');
});

t.test('is built once per store version, and a new version gets its own', async (t) => {
  t.equal(accountIndex(data), accountIndex(data));
  const next = office(addExtension('100', 'Ada'), addExtension('102', 'Cy'));
  t.not(accountIndex(next), accountIndex(data));
  t.equal(accountIndex(next).password('102'), 'secret-102');
  t.equal(accountIndex(data).password('102'), undefined);
});

t.test('the first of two entries with one name wins, as a search would find it', async (t) => {
  const doubled = { ...data, extensions: [...data.extensions, { ...data.extensions[0]!, sipPassword: 'other' }] };
  t.equal(accountIndex(doubled).password('100'), 'secret-100');
});
