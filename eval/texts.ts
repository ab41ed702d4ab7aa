// The users' review texts through the run's encoder, read as the server's write path reads them (TextContexts): each
// distinct text encoded once as a query, its opinion read by the OpinionReader the server would build for that encoder
// (OPINION_METHOD auto: the VADER lexicon for the lexical encoder, the blend otherwise), and the encoder's common text
// direction that every context carries.
import type { TextOpinion } from '../src/domain/types.js';
import { OpinionReader } from '../src/inference/opinion/reader.js';
import { commonTextDirection } from '../src/inference/textDirection.js';
import type { Encoder } from '../src/inference/types.js';
import type { LoadedDataset } from './datasets/types.js';
import { Progress } from './progress.js';
import { mergeSettings, type EvalTexts, type TastegraphSettings } from './tastegraph.js';

export interface ReadTexts extends EvalTexts {
  count: number;
  method: string;
  seconds: number;
  /** Share of texts read as panned (polarity <= -0.3, the default pan threshold). */
  pannedShare: number;
}

export function hasTexts(ds: LoadedDataset): boolean {
  return ds.users.some((u) => u.texts?.some((t) => !!t?.trim()));
}

export async function readTexts(ds: LoadedDataset, encoder: Encoder, batch = 64): Promise<ReadTexts> {
  const t0 = performance.now();
  const texts = [...new Set(ds.users.flatMap((u) => (u.texts ?? []).filter((t): t is string => !!t?.trim())))];
  const encode = (xs: string[]) => encoder.encodeBatch(xs, 'query');
  const reader = new OpinionReader({ kind: encoder.kind, encode });
  await reader.prepare();
  const direction = await commonTextDirection(encode);
  const vectors = new Map<string, Float32Array>();
  const opinions = new Map<string, TextOpinion>();
  const progress = new Progress(`encode review texts (${encoder.id})`, texts.length);
  for (let s = 0; s < texts.length; s += batch) {
    const part = texts.slice(s, s + batch);
    const vs = await encode(part);
    part.forEach((t, k) => {
      vectors.set(t, vs[k]!);
      opinions.set(t, reader.read(t, vs[k]!)!);
    });
    progress.tick(part.length);
  }
  progress.done();
  let panned = 0;
  for (const o of opinions.values()) if (o.polarity <= -0.3) panned++;
  return {
    vector: (t) => vectors.get(t) ?? null,
    opinion: (t) => opinions.get(t) ?? null,
    direction,
    count: texts.length,
    method: reader.method,
    seconds: (performance.now() - t0) / 1000,
    pannedShare: texts.length ? panned / texts.length : 0,
  };
}

/**
 * The rows that measure what review text does, each from a setting without text (product defaults, the tuned one):
 * the text with its opinion (what the server does), the text with opinion off in both profile and recommender, and
 * opinion in one of the two only (which of them moves the figure).
 */
export function textVariants(
  base: Array<{ name: string; settings: TastegraphSettings }>,
): Array<{ name: string; description: string; settings: TastegraphSettings }> {
  const profileOff = (s: TastegraphSettings) => ({ ...s.profile, opinion: { enabled: false } });
  const recommendOff = { opinion: { enabled: false } };
  return base.flatMap(({ name, settings }) => [
    {
      name: `${name} + review text`,
      description:
        'review texts fed as the server does: vectors and opinion to the profile, stored polarity to the model',
      settings: mergeSettings(settings, { text: true }),
    },
    {
      name: `${name} + review text, opinion off`,
      description: 'review texts fed with opinion switched off in the profile and the recommender',
      settings: mergeSettings(settings, { text: true, profile: profileOff(settings), recommend: recommendOff }),
    },
    {
      name: `${name} + review text, opinion in the profile only`,
      description: 'opinion read by the profile; the recommender ignores the stored polarity',
      settings: mergeSettings(settings, { text: true, recommend: recommendOff }),
    },
    {
      name: `${name} + review text, opinion in the recommender only`,
      description: 'the recommender reads the stored polarity; the profile ignores opinion',
      settings: mergeSettings(settings, { text: true, profile: profileOff(settings) }),
    },
  ]);
}
