// The encoders' common text direction: removing it leaves real reviews much less alike, with the averaging encoders
// whose review vectors all point one way (GloVe, m2v-bge), and it is a function of the encoder alone.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { textPullVector } from '../../src/domain/profile/index.js';
import { cosine } from '../../src/domain/vector.js';
import { readBeautyReviews } from '../../eval/opinion.js';
import { loadEncoder } from '../../src/inference/loadEncoder.js';
import { commonTextDirection, REFERENCE_TEXTS } from '../../src/inference/textDirection.js';
import { GLOVE_DIR, M2V_BGE_DIR, SHARED_DATA_DIR, sharedModelPresent } from '../helpers/catalogEncoder.js';

/** Mean cosine over pairs (i, i + 1 .. i + 5) of the vectors. */
function meanPairCosine(vs: Float32Array[]): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < vs.length; i++)
    for (let j = i + 1; j < Math.min(vs.length, i + 6); j++) {
      s += cosine(vs[i]!, vs[j]!);
      n++;
    }
  return s / n;
}

describe('commonTextDirection', () => {
  it('is the mean of the reference texts as queries, the same on every call', async () => {
    const enc = await loadEncoder({});
    const encode = (xs: string[]) => enc.encodeBatch(xs, 'query');
    const a = (await commonTextDirection(encode))!;
    const b = (await commonTextDirection(encode))!;
    expect(a).toEqual(b);
    const refs = await encode(REFERENCE_TEXTS);
    for (const i of [0, 7, enc.dim - 1])
      expect(a[i]!).toBeCloseTo(refs.reduce((s, v) => s + v[i]!, 0) / refs.length, 6);
    expect(await commonTextDirection(async (xs) => xs.map(() => new Float32Array(4)))).toBeNull();
  });
});

const DATA_DIR = join(SHARED_DATA_DIR, 'amazon-all-beauty-reviews');
const dataOk = existsSync(join(DATA_DIR, 'All_Beauty_5.json.gz')) || !!process.env.CI;

describe.skipIf(!dataOk)('on real reviews (All Beauty)', () => {
  const models: Array<[string, string, number]> = [
    // [name, model dir, the most the reviews' mean pair cosine may keep once the direction is removed]
    ['glove-6B-50d-10k', GLOVE_DIR, 0.35],
    ['m2v-bge-base-vq128', M2V_BGE_DIR, 0.3],
  ];
  for (const [name, dir, most] of models) {
    it.skipIf(!sharedModelPresent(dir, `${name} text direction`))(
      `${name}: reviews that point one way are far less alike without the direction`,
      async () => {
        const enc = await loadEncoder({ modelDir: dir });
        const encode = (xs: string[]) => enc.encodeBatch(xs, 'query');
        const texts = readBeautyReviews(DATA_DIR)
          .slice(0, 400)
          .map((r) => r.text);
        const raw = (await encode(texts)).filter((v) => v.some((x) => x !== 0));
        const direction = await commonTextDirection(encode);
        const pulled = raw.map((v) => textPullVector(v, direction)).filter((v): v is Float32Array => v !== null);
        const before = meanPairCosine(raw);
        const after = meanPairCosine(pulled);
        expect(before).toBeGreaterThan(0.5); // eval/results/text-direction-amazon-all-beauty.md: 0.86 and 0.58
        expect(after).toBeLessThan(most);
        expect(after).toBeLessThan(before / 2);
      },
    );
  }
});
