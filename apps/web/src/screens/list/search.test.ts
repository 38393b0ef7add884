import { describe, expect, it } from 'vitest';
import { filterByTitle, matches } from './search.js';

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
