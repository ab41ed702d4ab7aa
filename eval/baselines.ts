// Baselines ranked under exactly the same protocol: most-popular, item-kNN (co-occurrence cosine), content-only.
import { historyMask, historyEnd } from './protocol.js';
import { exclusion, trainingEvents, type Method, type PhaseData } from './method.js';
import { topK } from './metrics.js';

/** Most popular items by number of training interactions. */
export class MostPopular implements Method {
  readonly name = 'most-popular';
  readonly group = 'baseline' as const;
  readonly description = 'Items ranked by training interaction count (same list for everyone, history excluded).';
  private scores = new Float32Array(0);
  private mask = new Uint8Array(0);

  prepare(p: PhaseData): void {
    this.scores = new Float32Array(p.ds.items.length);
    for (const e of trainingEvents(p)) this.scores[p.ds.users[e.user]!.items[e.pos]!]! += 1;
    this.mask = new Uint8Array(p.ds.items.length);
  }

  rank(ui: number, p: PhaseData): Int32Array {
    const u = p.ds.users[ui]!;
    return topK(
      this.scores,
      p.depth,
      exclusion(p, historyMask(u, historyEnd(u, p.phase), p.ds.items.length, this.mask)),
    );
  }
}

/**
 * Item-kNN: cosine of binary co-occurrence over users' training histories, sim(i,j) = c_ij / sqrt(n_i n_j);
 * a user's score for j is the sum of sim(i, j) over the distinct items i of their history. Dense nItems^2 matrix.
 */
export class ItemKnn implements Method {
  readonly name = 'item-kNN';
  readonly group = 'baseline' as const;
  readonly description =
    'Item-to-item cosine over co-occurrence in training histories; score = sum of similarities to the history.';
  private sim = new Float32Array(0);
  private n = 0;
  private mask = new Uint8Array(0);
  private scores = new Float32Array(0);

  prepare(p: PhaseData): void {
    const n = (this.n = p.ds.items.length);
    const co = new Float32Array(n * n);
    const perUser = new Map<number, Set<number>>();
    for (const e of trainingEvents(p)) {
      let s = perUser.get(e.user);
      if (!s) perUser.set(e.user, (s = new Set()));
      s.add(p.ds.users[e.user]!.items[e.pos]!);
    }
    for (const s of perUser.values()) {
      const list = Int32Array.from(s);
      for (let a = 0; a < list.length; a++) {
        const row = list[a]! * n;
        for (let b = 0; b < list.length; b++) co[row + list[b]!]! += 1;
      }
    }
    const cnt = new Float32Array(n);
    for (let i = 0; i < n; i++) cnt[i] = co[i * n + i]!;
    for (let i = 0; i < n; i++) {
      const row = i * n;
      for (let j = 0; j < n; j++) {
        const c = co[row + j]!;
        co[row + j] = i === j || c === 0 ? 0 : c / Math.sqrt(cnt[i]! * cnt[j]!);
      }
    }
    this.sim = co;
    this.mask = new Uint8Array(n);
    this.scores = new Float32Array(n);
  }

  rank(ui: number, p: PhaseData): Int32Array {
    const u = p.ds.users[ui]!;
    const end = historyEnd(u, p.phase);
    const mask = historyMask(u, end, this.n, this.mask);
    const scores = this.scores.fill(0);
    const n = this.n;
    for (let i = 0; i < n; i++) {
      if (!mask[i]) continue;
      const row = i * n;
      for (let j = 0; j < n; j++) scores[j]! += this.sim[row + j]!;
    }
    return topK(scores, p.depth, exclusion(p, mask));
  }

  release(): void {
    this.sim = new Float32Array(0);
  }
}

/** Content-only: the user vector is the (unweighted, undecayed) mean of history item vectors; score = cosine. */
export class ContentOnly implements Method {
  readonly name = 'content-only';
  readonly group = 'baseline' as const;
  readonly description = 'Mean of history item vectors (no decay, no collaborative signal); items ranked by cosine.';
  private mask = new Uint8Array(0);
  private scores = new Float32Array(0);

  prepare(p: PhaseData): void {
    this.mask = new Uint8Array(p.ds.items.length);
    this.scores = new Float32Array(p.ds.items.length);
  }

  rank(ui: number, p: PhaseData): Int32Array {
    const { dim, vectors } = p;
    const u = p.ds.users[ui]!;
    const end = historyEnd(u, p.phase);
    const mean = new Float64Array(dim);
    for (let k = 0; k < end; k++) {
      p.guard.profile(ui, k);
      const o = u.items[k]! * dim;
      for (let d = 0; d < dim; d++) mean[d]! += vectors[o + d]!;
    }
    const n = p.ds.items.length;
    const scores = this.scores;
    for (let i = 0; i < n; i++) {
      const o = i * dim;
      let s = 0;
      for (let d = 0; d < dim; d++) s += mean[d]! * vectors[o + d]!;
      scores[i] = s; // cosine up to the user's constant norm: the ranking is the same
    }
    return topK(scores, p.depth, exclusion(p, historyMask(u, end, n, this.mask)));
  }
}
