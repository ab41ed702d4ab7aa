// Opinion read from text: the lexicon and the aspects on hand-written cases, and agreement with star ratings on real
// reviews (Amazon 2018 All Beauty, ../shared/data; research use only, read in place, never committed).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { agreement, readBeautyReviews, type StarReview } from '../../eval/opinion.js';
import { loadEncoder } from '../../src/inference/loadEncoder.js';
import { extractAspects, loadAspectLexicon } from '../../src/inference/opinion/aspects.js';
import { lexiconPolarity } from '../../src/inference/opinion/lexicon.js';
import { OpinionReader } from '../../src/inference/opinion/reader.js';
import { M2V_BGE_DIR, SHARED_DATA_DIR, sharedModelPresent } from '../helpers/catalogEncoder.js';

describe('lexicon polarity and aspects', () => {
  it('reads praise as positive, complaints and negated praise as negative', () => {
    expect(lexiconPolarity('I love this, it works great!')).toBeGreaterThan(0.5);
    expect(lexiconPolarity('Awful. It broke after two days.')).toBeLessThan(-0.3);
    expect(lexiconPolarity('This is not good at all')).toBeLessThan(0);
    expect(lexiconPolarity('Way too expensive for what it is')).toBeLessThan(0);
    expect(lexiconPolarity('')).toBe(0);
  });

  it('gives each named aspect the opinion of its own clause', () => {
    const a = extractAspects('The battery is great, but the sound is terrible and it is too expensive.');
    const by = Object.fromEntries(a.map((x) => [x.aspect, x.polarity]));
    expect(by.battery).toBeGreaterThan(0.3);
    expect(by.sound).toBeLessThan(-0.3);
    expect(by.price).toBeLessThan(0);
    expect(a.map((x) => x.aspect)).toEqual(['battery', 'price', 'sound']); // sorted: deterministic
    expect(extractAspects('The smell is lovely.', { scent: ['smell'] })).toEqual([
      { aspect: 'scent', polarity: 0.5859 },
    ]);
  });

  it('is deterministic: the same text gives the same opinion', () => {
    const r = new OpinionReader(null, { method: 'lexicon' });
    const t = 'Lovely smell, but the pump broke and it leaks everywhere.';
    expect(r.read(t, null)).toEqual(r.read(t, null));
    expect(r.read('   ', null)).toBeNull();
  });

  it('rejects a malformed aspect lexicon file', () => {
    expect(() => loadAspectLexicon(join(import.meta.dirname, 'opinion.test.ts'))).toThrow();
    expect(loadAspectLexicon(null).price).toContain('expensive');
  });
});

const DATA_DIR = join(SHARED_DATA_DIR, 'amazon-all-beauty-reviews');
const dataOk = existsSync(join(DATA_DIR, 'All_Beauty_5.json.gz')) || !!process.env.CI;
if (!dataOk) console.warn(`opinion agreement tests skipped: no reviews at ${DATA_DIR} (set TASTEGRAPH_SHARED_DIR)`);

describe.skipIf(!dataOk)('agreement with star ratings on 4,212 real reviews (All Beauty, 4-5 vs 1-2 stars)', () => {
  let reviews: StarReview[];
  beforeAll(() => {
    reviews = readBeautyReviews(DATA_DIR);
  });

  it('the lexicon (the lexical encoder default) is far better than chance: AUC >= 0.8 (chance 0.5)', () => {
    const r = new OpinionReader(null, { method: 'lexicon' });
    const a = agreement(
      'lexicon',
      '-',
      reviews,
      reviews.map((x) => r.read(x.text, null)!.polarity),
    );
    expect(a.auc).toBeGreaterThan(0.8); // eval/results/opinion-amazon-all-beauty.md: 0.855
    expect(a.balancedAccuracy).toBeGreaterThan(0.65);
    expect(a.meanPolarityByStars[1]!).toBeLessThan(a.meanPolarityByStars[5]! - 0.5);
  });

  it.skipIf(!sharedModelPresent(M2V_BGE_DIR, 'm2v-bge opinion'))(
    'the pretrained encoder zero-shot and the blend (the default with it) are far better than chance',
    async () => {
      const enc = await loadEncoder({ modelDir: M2V_BGE_DIR });
      const encode = (ts: string[]) => enc.encodeBatch(ts, 'query');
      const vectors = await encode(reviews.map((x) => x.text));
      for (const [method, min] of [
        ['encoder', 0.8],
        ['auto', 0.85],
      ] as const) {
        const r = new OpinionReader({ kind: enc.kind, encode }, { method });
        await r.prepare();
        const a = agreement(
          method,
          enc.id,
          reviews,
          reviews.map((x, i) => r.read(x.text, vectors[i]!)!.polarity),
        );
        expect(a.auc).toBeGreaterThan(min); // results file: 0.859 (encoder), 0.897 (blend)
      }
    },
    60_000,
  );
});
