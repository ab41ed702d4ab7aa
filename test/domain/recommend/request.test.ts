import { describe, expect, it } from 'vitest';
import { Catalogue } from '../../../src/domain/recommend/catalogue.js';
import { InternedAccept } from '../../../src/domain/recommend/request.js';
import { Interner } from '../../../src/domain/recommend/state/interner.js';
import { ExactIndex } from '../../../src/vectorindex/index.js';
import { DIM, item, vec } from './fixtures.js';

/** A catalogue of `ids` whose changes reach the InternedAccept, as the model wires them. */
function setup(ids: string[]) {
  const interner = new Interner();
  let memo: InternedAccept | null = null;
  const catalogue = new Catalogue(DIM, new ExactIndex(DIM, { native: false }), (id) => memo?.forget(id));
  memo = new InternedAccept(interner, catalogue);
  catalogue.upsertMany(
    ids.map((id) => item(id, 'x', vec(1))),
    () => false,
  );
  return { interner, catalogue, memo };
}

describe('InternedAccept', () => {
  it("asks the request's filter once per item, and each request afresh", () => {
    const { interner, memo } = setup(['a', 'b', 'c']);
    for (const id of ['a', 'b', 'c']) interner.id(id);
    const asked: string[] = [];
    const first = memo.begin((id) => (asked.push(id), id !== 'b'));
    expect([0, 1, 0, 1, 2].map(first)).toEqual([true, false, true, false, true]);
    expect(asked).toEqual(['a', 'b', 'c']);
    // The next request has its own filter: no verdict of the previous one is reused.
    const second = memo.begin((id) => id === 'b');
    expect([0, 1, 2].map(second)).toEqual([false, true, false]);
  });

  it('follows the catalogue: a removed item is refused, an upserted one is seen as it is now', () => {
    const { interner, catalogue, memo } = setup(['a', 'b']);
    const a = interner.id('a');
    const gone = interner.id('gone');
    expect([a, gone].map(memo.begin(() => true))).toEqual([true, false]);
    catalogue.remove('a');
    catalogue.upsert(item('gone', 'y', vec(1), 99), () => false);
    const seen: Array<number | null> = [];
    const accept = memo.begin((_, it) => (seen.push(it.price), true));
    expect([a, gone].map(accept)).toEqual([false, true]);
    expect(seen).toEqual([99]);
  });

  it('answers for ids interned after the request began', () => {
    const { interner, memo } = setup(['a', 'late']);
    interner.id('a');
    const accept = memo.begin((id) => id === 'late');
    const late = interner.id('late');
    expect(accept(late)).toBe(true);
    expect(accept(0)).toBe(false);
  });
});
