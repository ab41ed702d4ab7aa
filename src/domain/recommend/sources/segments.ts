// Segment source: what users sharing an attribute value (country=fr, age=30...) liked, on the popularity clock.
import type { RecommendConfig } from '../config.js';
import type { CandidateRequest, CandidateSource, Observation, ScoredCandidate, Reason } from '../source.js';
import type { Interner } from '../state/interner.js';
import { pruneRow } from '../state/pruneRow.js';
import type { UserTable } from '../state/users.js';
import type { PopularitySource } from './popularity.js';
import { SOCIAL_ATTRIBUTES } from './social.js';

export interface SegmentsState {
  keys: string[];
  sizes: Int32Array;
  items: Int32Array;
  weights: Float64Array;
}

export class SegmentSource implements CandidateSource {
  readonly name = 'segment';
  readonly scale = 'relative';
  /** Segment "key=value" -> item -> forward-decayed weight (popularity clock), bounded per segment. */
  private readonly segments = new Map<string, Map<number, number>>();

  constructor(
    private readonly config: RecommendConfig,
    private readonly ids: Interner,
    private readonly users: UserTable,
    private readonly popularity: PopularitySource,
  ) {
    popularity.onRescale((m) => {
      for (const seg of this.segments.values()) for (const [k, v] of seg) seg.set(k, v * m);
    });
  }

  get size(): number {
    return this.segments.size;
  }

  /** Segment keys ("key=value") of a user's attributes; numbers bucketed, arrays up to 10 values. */
  keysOf(attributes: Record<string, unknown> | undefined): string[] | null {
    if (!attributes) return null;
    const keys: string[] = [];
    const bucket = this.config.segment.numericBucket;
    const push = (k: string, v: unknown) => {
      let s: string | null = null;
      if (typeof v === 'string') s = v.trim();
      else if (typeof v === 'boolean') s = String(v);
      else if (typeof v === 'number' && Number.isFinite(v)) {
        s = String(bucket > 0 ? Math.floor(v / bucket) * bucket : v);
      }
      if (s && s.length <= 64 && k.length <= 64) keys.push(`${k}=${s}`);
    };
    for (const [k, v] of Object.entries(attributes)) {
      if (SOCIAL_ATTRIBUTES.has(k)) continue;
      if (Array.isArray(v)) for (const x of v.slice(0, 10)) push(k, x);
      else push(k, v);
    }
    return keys;
  }

  observe(o: Observation): void {
    if (!o.user.segments) return;
    const pf = this.popularity.factor(o.t);
    const cap = this.config.segment.itemsPerSegment;
    for (const key of o.user.segments) {
      let seg = this.segments.get(key);
      if (!seg) {
        if (this.segments.size >= this.config.segment.maxSegments) continue;
        seg = new Map();
        this.segments.set(key, seg);
      }
      seg.set(o.item, (seg.get(o.item) ?? 0) + o.weight * pf);
      if (seg.size > 2 * cap) pruneRow(seg, cap);
    }
  }

  clear(): void {
    this.segments.clear();
  }

  /** Segments and their rows in insertion order (pruning and ties depend on it). */
  exportState(): SegmentsState {
    const keys = [...this.segments.keys()];
    const sizes = Int32Array.from(keys, (k) => this.segments.get(k)!.size);
    const n = sizes.reduce((a, b) => a + b, 0);
    const items = new Int32Array(n);
    const weights = new Float64Array(n);
    let at = 0;
    for (const seg of this.segments.values())
      for (const [item, w] of seg) {
        items[at] = item;
        weights[at++] = w;
      }
    return { keys, sizes, items, weights };
  }

  importState(s: SegmentsState): void {
    this.segments.clear();
    let at = 0;
    s.keys.forEach((key, i) => {
      const seg = new Map<number, number>();
      for (let k = 0; k < s.sizes[i]!; k++, at++) seg.set(s.items[at]!, s.weights[at]!);
      this.segments.set(key, seg);
    });
  }

  /** The request's attributes' segments (else the ones last seen for the user), each divided by its best item. */
  candidates(req: CandidateRequest): ScoredCandidate[] {
    const { signals, acceptItem } = req;
    let keys = this.keysOf(signals.attributes) ?? [];
    if (keys.length === 0) keys = this.users.peek(signals.userId)?.segments ?? [];
    const best = new Map<string, { raw: number; reason: Reason }>();
    for (const key of keys) {
      const seg = this.segments.get(key);
      if (!seg || seg.size === 0) continue;
      let max = 0;
      for (const v of seg.values()) if (v > max) max = v;
      if (!(max > 0)) continue;
      const eq = key.indexOf('=');
      const facet = key.slice(0, eq);
      const value = key.slice(eq + 1);
      for (const [n, v] of seg) {
        if (!acceptItem(n)) continue;
        const id = this.ids.name(n);
        const raw = v / max;
        const prev = best.get(id);
        if (!prev || raw > prev.raw) {
          best.set(id, {
            raw,
            reason: { kind: 'SIMILAR_USERS', facet, value, text: `Popular with users like you (${facet}: ${value})` },
          });
        }
      }
    }
    return [...best].map(([id, b]) => ({ id, raw: b.raw, reason: b.reason }));
  }
}
