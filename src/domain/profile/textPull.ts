// What an event's text pulls the profile towards. A text's vector carries the direction every text of its encoder
// shares (inference/textDirection.ts) as well as what this text says; only the second tells users apart, so the pull
// is the text's vector without its component along the shared direction.
import type { Vector } from '../types.js';
import { dot, norm } from '../vector.js';

/**
 * `text` less its projection on `common` (as is when there is no common direction or the lengths differ); null
 * when (next to) nothing is left, a text that says only what every text says, so that the event falls back to its
 * item's vector.
 */
export function textPullVector(text: Vector, common: Vector | null | undefined): Vector | null {
  if (!common || common.length !== text.length) return text;
  const cc = dot(common, common);
  if (cc === 0) return text;
  const k = dot(text, common) / cc;
  const out = new Float32Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text[i]! - k * common[i]!;
  return norm(out) > 1e-6 * norm(text) ? out : null;
}
