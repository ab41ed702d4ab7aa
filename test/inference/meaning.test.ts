// Meaning: a catalog encoder fitted in the test run on MovieLens-1M text, the pretrained GloVe static model from
// ../shared/models, and (when ENCODER_MODEL_DIR points at one) a pretrained transformer.
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { dot } from '../../src/domain/vector.js';
import { loadEncoder, type LoadedEncoder } from '../../src/inference/loadEncoder.js';
import {
  GLOVE_DIR,
  getCatalogEncoderDir,
  movieLensItems,
  sharedDataAvailable,
  SKIP_MESSAGE,
  type MovieLensItem,
} from '../helpers/catalogEncoder.js';

const SPACE = 'space adventure with starships and rebels';
const HAUNTED = 'a haunted house full of ghosts';

const dataOk = sharedDataAvailable();
if (!dataOk) console.warn(`meaning tests skipped: ${SKIP_MESSAGE}`);

function byTitle(items: MovieLensItem[], prefix: string): MovieLensItem {
  const it = items.find((i) => i.title.startsWith(prefix));
  if (!it) throw new Error(`no ML-1M item titled ${prefix}`);
  return it;
}

/** The shared meaning checks on ML-1M item texts. */
function catalogMeaningSuite(name: string, getEncoder: () => LoadedEncoder) {
  describe(`meaning on ML-1M items: ${name}`, () => {
    let items: MovieLensItem[];
    let vecs: Map<string, Float32Array>;
    beforeAll(async () => {
      items = await movieLensItems();
      const enc = getEncoder();
      const all = await enc.encodeBatch(
        items.map((i) => i.text),
        'passage',
      );
      vecs = new Map(items.map((it, k) => [it.id, all[k]!]));
    });
    const q = async (text: string) => (await getEncoder().encodeBatch([text], 'query'))[0]!;
    const meanSim = (v: Float32Array, genre: string) => {
      const g = items.filter((i) => i.genres.includes(genre));
      return g.reduce((s, i) => s + dot(v, vecs.get(i.id)!), 0) / g.length;
    };

    it('space adventure is closer to Star Wars (1977) than to Sense and Sensibility (1995)', async () => {
      const v = await q(SPACE);
      const starWars = byTitle(items, 'Star Wars: Episode IV - A New Hope (1977)');
      const sense = byTitle(items, 'Sense and Sensibility (1995)');
      expect(dot(v, vecs.get(starWars.id)!)).toBeGreaterThan(dot(v, vecs.get(sense.id)!) + 0.05);
      expect(meanSim(v, 'Sci-Fi')).toBeGreaterThan(meanSim(v, 'Romance'));
    });

    it('a haunted house is closer to horror films than to musicals', async () => {
      const v = await q(HAUNTED);
      expect(meanSim(v, 'Horror')).toBeGreaterThan(meanSim(v, 'Musical') + 0.02);
      const haunting = byTitle(items, 'Haunting, The (1963)');
      const soundOfMusic = byTitle(items, 'Sound of Music, The (1965)');
      expect(dot(v, vecs.get(haunting.id)!)).toBeGreaterThan(dot(v, vecs.get(soundOfMusic.id)!));
    });
  });
}

describe.skipIf(!dataOk)('catalog encoder fitted on MovieLens-1M text', () => {
  let enc: LoadedEncoder;
  beforeAll(async () => {
    enc = await loadEncoder({ modelDir: await getCatalogEncoderDir() });
  }, 120_000);

  it('loads through the static path with a content-hash id', () => {
    expect(enc.kind).toBe('static');
    expect(enc.id).toMatch(/-[0-9a-f]{12}$/);
    expect(enc.dim).toBe(128);
  });

  catalogMeaningSuite('catalog encoder', () => enc);
});

describe.skipIf(!existsSync(GLOVE_DIR))('GloVe 6B 50d static model (pretrained, Model2Vec layout)', () => {
  let enc: LoadedEncoder;
  beforeAll(async () => {
    enc = await loadEncoder({ modelDir: GLOVE_DIR });
  });

  it('loads as a static model of dim 50', () => {
    expect(enc.kind).toBe('static');
    expect(enc.dim).toBe(50);
    expect(enc.id).toMatch(/^glove-6B-50d-10k-[0-9a-f]{12}$/);
  });

  it('"A man is playing a guitar." is closer to the acoustic guitar text than to the stock market', async () => {
    const [a, b, c] = await enc.encodeBatch([
      'A man is playing a guitar.',
      'Someone plays an acoustic guitar.',
      'The stock market fell sharply today.',
    ]);
    expect(dot(a!, b!)).toBeGreaterThan(0.9); // MODEL.md: 0.962
    expect(dot(a!, c!)).toBeLessThan(0.5); // MODEL.md: 0.416
  });

  it.skipIf(!dataOk)('space adventure: Star Wars item text closer than Sense and Sensibility', async () => {
    const items = await movieLensItems();
    const sw = byTitle(items, 'Star Wars: Episode IV - A New Hope (1977)');
    const ss = byTitle(items, 'Sense and Sensibility (1995)');
    const [q, s1, s2] = await enc.encodeBatch([SPACE, sw.text, ss.text]);
    expect(dot(q!, s1!)).toBeGreaterThan(dot(q!, s2!));
  });
});

const pretrained = process.env.ENCODER_MODEL_DIR;
describe.skipIf(!pretrained || !dataOk)(`pretrained model in ENCODER_MODEL_DIR (${pretrained ?? 'unset'})`, () => {
  let enc: LoadedEncoder;
  beforeAll(async () => {
    enc = await loadEncoder({ modelDir: pretrained!, device: process.env.ENCODER_DEVICE === 'cuda' ? 'cuda' : 'cpu' });
  }, 120_000);

  it('guitar vs stock market', async () => {
    const [a, b, c] = await enc.encodeBatch(
      ['A man is playing a guitar.', 'Someone plays an acoustic guitar.', 'The stock market fell sharply today.'],
      'query',
    );
    expect(dot(a!, b!)).toBeGreaterThan(dot(a!, c!));
  });

  catalogMeaningSuite('ENCODER_MODEL_DIR', () => enc);
});
