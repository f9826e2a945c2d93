/**
 * An emergency call with the desk's location, seen from a SIPp trunk: the
 * office is set up with the CLI (civic address, the desk's building, floor,
 * room and callback number, a trunk with --emergency-location pidf-lo); the
 * idle hot-desk phone HD0001 (SIPp) dials 112; the trunk (SIPp UAS,
 * uas-emergency.xml) checks the identity, Geolocation and multipart body with
 * its own regexp actions, answers with SDP, and the call ends normally. The
 * PIDF-LO it received validates against the RFC schemas.
 */
import t from 'tap';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { validateXML } from 'xmllint-wasm';
import { call, register, SCENARIOS, sippPassed, sippPorts, startOffice } from './support/office.js';

const folder = new URL('../fixtures/pidf-lo/', import.meta.url);
const schemaFile = (name: string) => ({ fileName: name, contents: readFileSync(new URL(name, folder), 'utf8') });

t.test('112 from a hot-desk phone reaches a SIPp trunk with its callback number and location', async (t) => {
  const [trunkPort, phonePort] = (await sippPorts(2)) as [number, number];
  const office = await startOffice(t, [
    ['add-phone', '--model', 'yealink-t54w', '--mac', '00:15:65:aa:bb:cc'],
    [
      'settings',
      'set',
      'civic-address',
      'country=US',
      'region=IL',
      'city=Springfield',
      'street=Main St',
      'number=100',
      'postal-code=62701',
    ],
    [
      'phone',
      'set',
      'HD0001',
      '--building',
      'A',
      '--floor',
      '2',
      '--room',
      '214',
      '--emergency-callback',
      '+15551234567',
    ],
    ['trunk', 'set', `sip:127.0.0.1:${trunkPort}`, '--emergency-location', 'pidf-lo'],
  ]);
  sippPassed(
    t,
    (await register(office, { account: 'HD0001', port: phonePort })).result,
    'HD0001 registers with its idle account',
  );

  const trunk = await office.startSipp({
    scenario: join(SCENARIOS, 'uas-emergency.xml'),
    name: 'trunk',
    port: trunkPort,
    keys: { hd_account: 'trunk' },
  });
  await trunk.ready;
  const started = Date.now();
  const flow = await call(office, { account: 'HD0001', dialled: '112', port: phonePort, scenario: 'call-auth.xml' });
  const atTrunk = await trunk.finished;
  sippPassed(t, flow.result, 'caller: INVITE with credentials → 200 → ACK → BYE → 200');
  sippPassed(t, atTrunk, "trunk: the INVITE passes the scenario's checks, 180 → 200, ACK, BYE → 200");
  t.ok(Date.now() - started < 10_000, 'no waiting on the way');

  const invite = atTrunk.received().find((message) => message.method === 'INVITE');
  t.same(
    invite?.headers('P-Asserted-Identity'),
    ['<sip:+15551234567@office.test;user=phone>'],
    "the desk's callback number (ELIN)",
  );
  t.match(invite?.headers('From')[0] ?? '', /<sip:\+15551234567@office\.test>;tag=/);
  t.match(invite?.headers('Geolocation')[0] ?? '', /^<cid:[^>]+>$/);
  const pidf = /<\?xml[\s\S]*<\/presence>/.exec(invite?.text ?? '')?.[0] ?? '';
  const verdict = await validateXML({
    xml: { fileName: 'location.xml', contents: pidf },
    schema: schemaFile('pidf.xsd'),
    preload: ['data-model.xsd', 'geopriv10.xsd', 'civic-addr.xsd'].map(schemaFile),
  });
  t.same(
    verdict.errors.map((error) => error.message),
    [],
    'the PIDF-LO the trunk got validates',
  );
  t.match(
    pidf,
    /<ca:A3>Springfield<\/ca:A3>[\s\S]*<ca:FLR>2<\/ca:FLR>[\s\S]*<ca:BLD>A<\/ca:BLD>[\s\S]*<ca:ROOM>214<\/ca:ROOM>/,
  );

  const answer = flow.result
    .received()
    .find((message) => message.status === 200 && message.headers('CSeq')[0] === '2 INVITE');
  t.match(answer?.headers('Content-Type')[0] ?? '', /^application\/sdp/, "the phone gets the trunk's SDP answer");
  t.same(office.logLines(50), [], 'hotdeskd logged no errors');
});
