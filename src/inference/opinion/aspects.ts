// Aspects people name in reviews ("battery", "too expensive", "the smell"), each with the opinion of the clause it is
// in (the nearest opinion words). A small configurable lexicon: aspect -> trigger words.
import { readFileSync } from 'node:fs';
import type { AspectOpinion } from '../../domain/types.js';
import { lexiconPolarity, round4, words } from './lexicon.js';

/** aspect name -> the lower-case words that name it. */
export type AspectLexicon = Readonly<Record<string, readonly string[]>>;

export const DEFAULT_ASPECTS: AspectLexicon = {
  price: [
    'price',
    'prices',
    'priced',
    'expensive',
    'cheap',
    'cost',
    'costs',
    'money',
    'value',
    'overpriced',
    'pricey',
    'affordable',
    'inexpensive',
  ],
  quality: ['quality', 'durable', 'sturdy', 'flimsy', 'broke', 'broken'],
  smell: ['smell', 'smells', 'smelled', 'scent', 'scents', 'scented', 'fragrance', 'odor', 'odour', 'aroma', 'perfume'],
  texture: ['texture', 'consistency', 'greasy', 'sticky', 'creamy', 'lather', 'oily'],
  skin: ['skin', 'face', 'acne', 'rash', 'breakout', 'breakouts', 'irritation', 'irritated', 'itchy'],
  hair: ['hair', 'scalp', 'curls', 'frizz', 'frizzy'],
  packaging: ['packaging', 'package', 'bottle', 'container', 'pump', 'lid', 'tube', 'jar'],
  shipping: ['shipping', 'delivery', 'shipped', 'arrived', 'seller'],
  size: ['size', 'small', 'tiny', 'large', 'huge'],
  battery: ['battery', 'batteries', 'charge', 'charging', 'charger'],
  sound: ['sound', 'audio', 'noise', 'noisy', 'loud', 'volume', 'speaker', 'speakers'],
  taste: ['taste', 'tastes', 'flavor', 'flavour', 'flavors'],
  longevity: ['lasts', 'lasting', 'last', 'longevity', 'wears'],
};

/** Reads OPINION_ASPECTS_FILE (a JSON object aspect -> [words]); unset -> the default lexicon. */
export function loadAspectLexicon(file: string | null | undefined): AspectLexicon {
  if (!file) return DEFAULT_ASPECTS;
  const raw = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new Error(`OPINION_ASPECTS_FILE=${file}: expected a JSON object {"aspect": ["word", ...]}`);
  const out: Record<string, string[]> = {};
  for (const [aspect, ws] of Object.entries(raw)) {
    if (!Array.isArray(ws) || !ws.every((w) => typeof w === 'string' && w.trim()))
      throw new Error(`OPINION_ASPECTS_FILE=${file}: "${aspect}" must be a list of words`);
    out[aspect] = ws.map((w: string) => w.trim().toLowerCase());
  }
  return out;
}

/** Clauses: split at sentence ends, semicolons, commas and "but" (opinions on either side of "but" differ). */
function clauses(text: string): string[] {
  return text
    .split(/[.!?;,\n]+|\bbut\b|\bhowever\b|\bthough\b/i)
    .map((c) => c.trim())
    .filter(Boolean);
}

/**
 * Aspects named in a text with their opinion: each mention takes the polarity of its clause (the opinion words
 * nearest to it); an aspect named several times gets the mean. Mentions in opinion-free clauses count as 0. Sorted by
 * aspect name, so the result is a deterministic function of (text, lexicon).
 */
export function extractAspects(text: string, lexicon: AspectLexicon = DEFAULT_ASPECTS): AspectOpinion[] {
  const trigger = new Map<string, string>();
  for (const [aspect, ws] of Object.entries(lexicon)) for (const w of ws) if (!trigger.has(w)) trigger.set(w, aspect);
  const sums = new Map<string, { sum: number; n: number }>();
  for (const clause of clauses(text)) {
    const found = new Set<string>();
    for (const w of words(clause)) {
      const a = trigger.get(w);
      if (a) found.add(a);
    }
    if (found.size === 0) continue;
    const p = lexiconPolarity(clause);
    for (const a of found) {
      const e = sums.get(a) ?? { sum: 0, n: 0 };
      e.sum += p;
      e.n += 1;
      sums.set(a, e);
    }
  }
  return [...sums.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([aspect, { sum, n }]) => ({ aspect, polarity: round4(sum / n) }));
}
