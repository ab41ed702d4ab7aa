// The harness's review-text path: texts read once through the run's encoder as the server reads them, events fed
// with text carry the polarity the log row would store, and the variants switch opinion off on the sides they name.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, TastegraphContext } from '../../eval/tastegraph.js';
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
