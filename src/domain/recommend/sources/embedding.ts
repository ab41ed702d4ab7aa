// Embedding source: the user's recent items in a fused item space, text vector plus behaviour vector (a truncated
// SVD of the PPMI of the co-visitation counts, ../itemEmbedding.ts), nearest items by cosine. Items with no
// behaviour get their behaviour vector from a ridge map of their text vector, so new items land where behaviour
// would put them. Fitted lazily on the first request after events when enabled; refit with fit() (a job).
import type { Catalogue } from '../catalogue.js';
import type { RecommendConfig } from '../config.js';
import { ppmiSvd, ridgeMap } from '../itemEmbedding.js';
import type { CandidateRequest, CandidateSource, ScoredCandidate } from '../source.js';
import type { Interner } from '../state/interner.js';
import type { NeighbourStore } from '../state/neighbourStore.js';

interface Fitted {
  itemIds: string[];
  slot: Map<string, number>;
  /** Unit text rows (zero when the item has none), n x textDim. */
  text: Float32Array;
  textDim: number;
  /** Unit behaviour rows (zero when neither behaviour nor text), n x dim. */
  behaviour: Float32Array;
  dim: number;
}

function normaliseRows(m: Float32Array, n: number, d: number): void {
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < d; c++) s += m[i * d + c]! ** 2;
    if (s <= 0) continue;
    const inv = 1 / Math.sqrt(s);
    for (let c = 0; c < d; c++) m[i * d + c]! *= inv;
  }
}

export class EmbeddingSource implements CandidateSource {
  readonly name = 'embedding';
  readonly scale = 'absolute';
  private fitted: Fitted | null = null;

  constructor(
    private readonly config: RecommendConfig,
    private readonly ids: Interner,
    private readonly catalogue: Catalogue,
    /** The co-visitation counts the behaviour vectors factorise. */
    private readonly coVisits: NeighbourStore,
  ) {}

  clear(): void {
    this.fitted = null;
  }

  /** Fit the item vectors on the co-visitation counts observed so far and the catalogue's text vectors. */
  fit(): void {
    const cfg = this.config.embedding;
    const itemIds = [...this.catalogue.ids];
    const n = itemIds.length;
    const slot = new Map(itemIds.map((id, i) => [id, i]));
    const textDim = this.catalogue.dim;
    const slotOfInterned = new Int32Array(this.ids.names.length).fill(-1);
    itemIds.forEach((id, i) => {
      const k = this.ids.get(id);
      if (k !== undefined) slotOfInterned[k] = i;
    });
    const rows = (i: number, fn: (j: number, c: number) => void) => {
      const k = this.ids.get(itemIds[i]!);
      if (k === undefined || !this.coVisits.has(k)) return;
      this.coVisits.forEach(k, (jn, c) => {
        const j = jn < slotOfInterned.length ? slotOfInterned[jn]! : -1;
        if (j >= 0) fn(j, c);
      });
    };
    const dim = Math.max(1, Math.min(cfg.dim, n));
    const behaviour = ppmiSvd(n, rows, { dim, iterations: cfg.iterations });
    const text = new Float32Array(n * textDim);
    const hasText = new Uint8Array(n);
    itemIds.forEach((id, i) => {
      const v = this.catalogue.get(id)?.vector;
      if (v && v.length === textDim) {
        text.set(v, i * textDim);
        hasText[i] = 1;
      }
    });
    normaliseRows(text, n, textDim);
    // Ridge map text -> behaviour, trained on items that have both; applied to items with text only.
    const trained: number[] = [];
    const textOnly: number[] = [];
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let c = 0; c < dim; c++) s += behaviour[i * dim + c]! ** 2;
      if (s > 0 && hasText[i]) trained.push(i);
      else if (s === 0 && hasText[i]) textOnly.push(i);
    }
    if (trained.length > 0 && textOnly.length > 0 && cfg.ridgeLambda > 0) {
      const w = ridgeMap(text, textDim, behaviour, dim, trained, cfg.ridgeLambda);
      for (const i of textOnly)
        for (let c = 0; c < dim; c++) {
          let s = 0;
          for (let p = 0; p < textDim; p++) s += text[i * textDim + p]! * w[p * dim + c]!;
          behaviour[i * dim + c] = s;
        }
    }
    normaliseRows(behaviour, n, dim);
    this.fitted = { itemIds, slot, text, textDim, behaviour, dim };
  }

  candidates(req: CandidateRequest): ScoredCandidate[] {
    const cfg = this.config.embedding;
    if (!cfg.enabled || req.recentPositive.length === 0) return [];
    // Fitted lazily from the counts (a user with recent items means some were observed, or came from a snapshot).
    if (!this.fitted) this.fit();
    const f = this.fitted;
    if (!f) return [];
    const qb = new Float64Array(f.dim);
    const qt = new Float64Array(f.textDim);
    let seed: string | null = null;
    req.recentPositive.slice(0, cfg.seedItems).forEach((r, rank) => {
      const i = f.slot.get(r.itemId);
      if (i === undefined) return;
      seed ??= r.itemId;
      const w = Math.pow(cfg.seedDecay, rank);
      for (let c = 0; c < f.dim; c++) qb[c]! += w * f.behaviour[i * f.dim + c]!;
      for (let c = 0; c < f.textDim; c++) qt[c]! += w * f.text[i * f.textDim + c]!;
    });
    if (seed === null) return [];
    const unit = (q: Float64Array) => {
      const s = Math.sqrt(q.reduce((a, x) => a + x * x, 0));
      if (s > 0) for (let c = 0; c < q.length; c++) q[c]! /= s;
    };
    unit(qb);
    unit(qt);
    const a = Math.max(0, Math.min(1, cfg.textShare));
    const scored: Array<{ id: string; raw: number }> = [];
    for (let i = 0; i < f.itemIds.length; i++) {
      let sb = 0;
      for (let c = 0; c < f.dim; c++) sb += qb[c]! * f.behaviour[i * f.dim + c]!;
      let st = 0;
      if (a > 0) for (let c = 0; c < f.textDim; c++) st += qt[c]! * f.text[i * f.textDim + c]!;
      const raw = (1 - a) * sb + a * st;
      if (raw > 0) scored.push({ id: f.itemIds[i]!, raw });
    }
    scored.sort((x, y) => y.raw - x.raw);
    const out: ScoredCandidate[] = [];
    const limit = this.config.candidates.embedding;
    const title = this.catalogue.title(seed);
    for (const s of scored) {
      if (out.length >= limit) break;
      if (!req.accept(s.id)) continue;
      out.push({
        id: s.id,
        raw: s.raw,
        reason: { kind: 'SIMILAR_TO_RECENT', itemId: seed, text: `Chosen by people who chose ${title}` },
      });
    }
    return out;
  }
}
