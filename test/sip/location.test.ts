import t from 'tap';
import {
  allBindings,
  emptyLocation,
  expireBindings,
  findBinding,
  lookup,
  withBindings,
  type Binding,
} from '../../src/sip/location.js';

const binding = (aor: string, contact: string, expiresAt: number): Binding => ({
  aor,
  contact,
  expiresAt,
  source: { protocol: 'UDP', address: '192.0.2.1', port: 5060 },
  callId: 'c',
  cseq: 1,
});

const table = withBindings(
  withBindings(emptyLocation(), '100', [binding('100', 'sip:a', 50), binding('100', 'sip:b', 200)]),
  '101',
  [binding('101', 'sip:c', 80)],
);

t.same(
  lookup(table, '100', 100).map((entry) => entry.contact),
  ['sip:b'],
);
t.same(lookup(table, '999', 100), []);
t.equal(allBindings(table).length, 3);
t.equal(findBinding(table, (entry) => entry.contact === 'sip:c')?.aor, '101');
t.equal(
  findBinding(table, (entry) => entry.contact === 'sip:z'),
  undefined,
);

const swept = expireBindings(table, 100);
t.same(swept.expired.map((entry) => entry.contact).sort(), ['sip:a', 'sip:c']);
t.same([...swept.table.keys()], ['100'], 'an AOR with nothing left disappears');
t.equal(expireBindings(swept.table, 100).table, swept.table, 'nothing expired: the same table');
t.equal(withBindings(table, '100', []).has('100'), false);
t.equal(table.get('100')?.length, 2, 'tables are values: the old one is unchanged');
