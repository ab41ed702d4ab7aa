// Opinion from a maintained sentiment lexicon: VADER (vader-sentiment, Apache-2.0), which handles negation
// ("not good"), boosters ("very"), "but" and capitals, and returns a compound polarity in [-1, 1]. It needs no
// model, so it is the polarity when the encoder is the lexical default (whose vectors carry no meaning), and it reads
// the opinion of each aspect's clause. Deterministic: a pure function of the text.
import vader from 'vader-sentiment';

/** Review words VADER's general-purpose lexicon does not score, with a polarity each (added to its compound). */
export const REVIEW_CUES: Readonly<Record<string, number>> = {
  expensive: -0.4,
  overpriced: -0.6,
  pricey: -0.3,
  affordable: 0.4,
  inexpensive: 0.3,
  flimsy: -0.5,
  broke: -0.5,
  broken: -0.5,
  greasy: -0.4,
  sticky: -0.3,
  itchy: -0.4,
  itch: -0.4,
  itched: -0.4,
  returned: -0.4,
  refund: -0.4,
  rash: -0.4,
};

const WORD = /[a-z][a-z'-]*/g;

/** Lower-case words of a text. */
export function words(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/** VADER's compound polarity of a text, plus the review cues (a cue after "not" flips), clamped to [-1, 1]. */
export function lexiconPolarity(text: string): number {
  if (!text.trim()) return 0;
  let p = vader.SentimentIntensityAnalyzer.polarity_scores(text).compound;
  const ws = words(text);
  for (let i = 0; i < ws.length; i++) {
    const cue = REVIEW_CUES[ws[i]!];
    if (cue === undefined) continue;
    const negated = ws[i - 1] === 'not' || ws[i - 2] === 'not' || ws[i - 1] === "isn't" || ws[i - 1] === "wasn't";
    p += negated ? -cue : cue;
  }
  // "too <adjective>" is a complaint ("too strong", "too greasy") that VADER reads as neutral.
  if (/\btoo (?!much\b|many\b|good\b|bad\b)[a-z]+/i.test(text) && p > -0.2) p -= 0.3;
  return Math.max(-1, Math.min(1, round4(p)));
}

/** Rounded to 4 decimals: a polarity is a reading, not a float that should differ between platforms. */
export function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
