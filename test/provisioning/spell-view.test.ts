import t from 'tap';
import { spellView } from '../../src/provisioning/spell-view.js';
import { spellYealinkCommon, spellYealinkPhone } from '../../src/provisioning/spell-yealink.js';
import { spellPoly } from '../../src/provisioning/spell-poly.js';
import { spellSnom } from '../../src/provisioning/spell-snom.js';
import { spellGrandstream } from '../../src/provisioning/spell-grandstream.js';
import { spellFanvil } from '../../src/provisioning/spell-fanvil.js';
import { commonView, phoneView } from '../fixtures/provisioning/office.js';

t.same(spellView(phoneView('yealink')), spellYealinkPhone(phoneView('yealink')));
t.same(spellView(phoneView('poly')), spellPoly(phoneView('poly')));
t.same(spellView(phoneView('snom')), spellSnom(phoneView('snom')));
t.same(spellView(phoneView('grandstream')), spellGrandstream(phoneView('grandstream')));
t.same(spellView(phoneView('fanvil')), spellFanvil(phoneView('fanvil')));
t.same(spellView(commonView('yealink')), spellYealinkCommon(commonView('yealink')));
t.same(spellView(commonView('snom')), {}, 'common files of the other vendors need no spelling');
