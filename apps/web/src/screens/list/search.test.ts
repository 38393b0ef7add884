import { describe, expect, it } from 'vitest';
import { filterByTitle, matches, snippetParts } from './search.js';

describe('matches', () => {
  it('ignores case, accents and word order', () => {
    expect(matches('Zoë Müller', 'zoe')).toBe(true);
    expect(matches('Zoë Müller', 'MULLER zo')).toBe(true);
    expect(matches('Zoë Müller', 'zoe x')).toBe(false);
  });

  it('matches everything for an empty query', () => {
    expect(matches('Anything', '   ')).toBe(true);
  });
});

describe('filterByTitle', () => {
  it('keeps the matching items in their order', () => {
    const items = [{ t: 'Climbing club' }, { t: 'Ann' }, { t: 'Club news' }];
    expect(filterByTitle(items, 'club', (i) => i.t).map((i) => i.t)).toEqual(['Climbing club', 'Club news']);
  });
});

describe('snippetParts', () => {
  it('splits the server’s ** marks into matched parts', () => {
    expect(snippetParts('…see you **tomorrow** at **noon**')).toEqual([
      { text: '…see you ', hit: false },
      { text: 'tomorrow', hit: true },
      { text: ' at ', hit: false },
      { text: 'noon', hit: true },
    ]);
    expect(snippetParts('no marks')).toEqual([{ text: 'no marks', hit: false }]);
  });
});
