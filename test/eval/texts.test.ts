// The harness's review-text path: texts read once through the run's encoder as the server reads them, events fed
// with text carry the polarity the log row would store, and the variants switch opinion off on the sides they name.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, TastegraphContext } from '../../eval/tastegraph.js';
import { LeakError, LeakGuard, visibleText } from '../../eval/protocol.js';
import { hasTexts, readTexts, textVariants } from '../../eval/texts.js';
import { loadEncoder } from '../../src/inference/loadEncoder.js';
import { toyDataset, user } from './fixtures.js';

const PANNED = 'Terrible, it broke on day one. A waste of money, do not buy.';
const PRAISED = 'Love it, works great and smells wonderful!';

function dataset() {
  const u = user('u0', [0, 1, 2, 3, 4]);
  u.texts = [PRAISED, PANNED, null, PRAISED, null];
  return toyDataset([u, user('u1', [1, 2, 3, 4, 0])], 5);
}

describe('review texts in the evaluation harness', () => {
  it('reads each text once, and events fed with text carry its stored polarity (panned negative)', async () => {
    const ds = dataset();
    expect(hasTexts(ds)).toBe(true);
    expect(hasTexts(toyDataset([user('u', [0, 1])], 2))).toBe(false);
    const encoder = await loadEncoder({});
    const texts = await readTexts(ds, encoder);
    expect(texts.count).toBe(2);
    expect(texts.method).toBe('lexicon');
    const ctx = new TastegraphContext(ds, [], encoder.dim, [0], 8, texts);
    expect(ctx.event(0, 1, 'native', 0, true).opinion).toBeLessThan(-0.3);
    expect(ctx.event(0, 0, 'native', 0, true).opinion).toBeGreaterThan(0.3);
    expect(ctx.event(0, 2, 'native', 0, true).opinion).toBeUndefined(); // no text
    expect(ctx.event(0, 1, 'native').opinion).toBeUndefined(); // rows without text ignore it
  });

  it('variants: opinion on, off, and on one side only', () => {
    const rows = textVariants([{ name: 'T', settings: DEFAULT_SETTINGS }]);
    expect(rows.map((r) => r.name)).toEqual([
      'T + review text',
      'T + review text, opinion off',
      'T + review text, opinion in the profile only',
      'T + review text, opinion in the recommender only',
    ]);
    const side = (i: number) => {
      const s = rows[i]!.settings as unknown as {
        text: boolean;
        profile: { opinion?: { enabled: boolean } };
        recommend: { opinion?: { enabled: boolean } };
      };
      return [s.text, s.profile.opinion?.enabled !== false, s.recommend.opinion?.enabled !== false];
    };
    expect([0, 1, 2, 3].map(side)).toEqual([
      [true, true, true],
      [true, false, false],
      [true, true, false],
      [true, false, true],
    ]);
  });
});

describe('a held-out review copied onto another item', () => {
  // Amazon 2018 attaches one review to several listings: the same user's same text on a history event is a copy of
  // the target's review, and its text must not reach the profile or the shared model of that phase.
  const T0 = 'Soft on the skin and the scent lasts all day.';
  const T3 = 'The pump broke but the lotion itself is fine.';
  const VAL = 'Great shampoo, my hair feels clean and light.';
  const TEST = 'Smells like lavender, a little goes a long way.';
  function copies(texts: Array<string | null>) {
    const u = user('u0', [0, 1, 2, 3, 4, 5]);
    u.texts = texts;
    const ds = toyDataset([u, user('u1', [5, 4, 3, 2, 1, 0])], 6);
    ds.defaultType = 'REVIEW';
    return ds;
  }
  const ds = copies([T0, VAL, TEST, T3, VAL, TEST]);

  it('is fed without its text in the phases that hold it out, and the guard refuses its text', async () => {
    const u = ds.users[0]!;
    expect([0, 1, 2, 3].map((k) => visibleText(u, k, 'val'))).toEqual([T0, null, null, T3]);
    expect([0, 1, 2, 3, 4].map((k) => visibleText(u, k, 'test'))).toEqual([T0, VAL, null, T3, VAL]);
    expect(() => new LeakGuard(ds, 'val').text(0, VAL)).toThrow(LeakError);
    expect(() => new LeakGuard(ds, 'test').text(0, TEST)).toThrow(LeakError);
    expect(() => new LeakGuard(ds, 'test').text(0, VAL)).not.toThrow();
    const encoder = await loadEncoder({});
    const ctx = new TastegraphContext(ds, [], encoder.dim, [0], 8, await readTexts(ds, encoder));
    expect(ctx.event(0, 2, 'native', 0, true, 'test')).toMatchObject({ text: null });
    expect(ctx.event(0, 2, 'native', 0, true, 'test').opinion).toBeUndefined();
    expect(ctx.event(0, 1, 'native', 0, true, 'test').text).toBe(VAL);
  });

  it("profiles read as if the copies had no text: validation without both copies' texts, test without the test one's", async () => {
    const encoder = await loadEncoder({});
    const items = await encoder.encodeBatch(
      ds.items.map((it) => it.title),
      'passage',
    );
    const signalsOf = async (d: typeof ds) => {
      const ctx = new TastegraphContext(d, items, encoder.dim, [0], 8, await readTexts(d, encoder));
      return ctx.profiles({ ...DEFAULT_SETTINGS, text: true }).get(0)!;
    };
    const fed = await signalsOf(ds);
    const val = await signalsOf(copies([T0, null, null, T3, VAL, TEST]));
    const test = await signalsOf(copies([T0, VAL, null, T3, VAL, TEST]));
    const leaky = await signalsOf(copies([T0, VAL, TEST, T3, VAL, 'another text']));
    expect([...fed.val.longTerm!]).toEqual([...val.val.longTerm!]);
    expect([...fed.test.longTerm!]).toEqual([...test.test.longTerm!]);
    expect([...fed.test.longTerm!]).not.toEqual([...leaky.test.longTerm!]);
  });
});
