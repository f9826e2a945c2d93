import t from 'tap';
import { scrollWindow, type ScrollWindowInput } from '../../src/tui/scroll-window.js';

const cases: [string, ScrollWindowInput, number][] = [
  ['all rows fit', { count: 5, selected: 4, height: 10, top: 3 }, 0],
  ['selected inside the window: it does not move', { count: 200, selected: 25, height: 20, top: 10 }, 10],
  ['selected below the window: it is the last row shown', { count: 200, selected: 40, height: 20, top: 10 }, 21],
  ['selected above the window: it is the first row shown', { count: 200, selected: 5, height: 20, top: 10 }, 5],
  ['End: the last page', { count: 200, selected: 199, height: 20, top: 0 }, 180],
  ['Home: the first page', { count: 200, selected: 0, height: 20, top: 180 }, 0],
  ['a list that shrank under the window is pulled back', { count: 30, selected: 29, height: 20, top: 100 }, 10],
  ['no selection: the window stays, clamped', { count: 200, selected: -1, height: 20, top: 190 }, 180],
  ['a selection past the list is ignored', { count: 10, selected: 50, height: 4, top: 2 }, 2],
  ['height 0 counts as one row', { count: 10, selected: 7, height: 0, top: 0 }, 7],
  ['empty list', { count: 0, selected: -1, height: 20, top: 3 }, 0],
];

for (const [name, input, first] of cases) {
  t.equal(scrollWindow(input), first, name);
}
