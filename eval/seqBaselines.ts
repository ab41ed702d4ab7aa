// Sequence-aware baselines ranked under exactly the same protocol as everything else:
// - first-order transition ("what followed the user's last item", popularity breaking ties);
// - V-SKNN (Ludewig & Jannach 2018): nearest neighbour sequences of the user's recent items, recency-weighted.
import { exclusion, trainingEvents, type Method, type PhaseData } from './method.js';
import { topK } from './metrics.js';
import { historyEnd, historyMask } from './protocol.js';

/** Per user, their training positions in order (the guard has already checked each one). */
function trainingSequences(p: PhaseData): Map<number, number[]> {
  const seqs = new Map<number, Array<{ pos: number; item: number }>>();
  for (const e of trainingEvents(p)) {
    let s = seqs.get(e.user);
    if (!s) seqs.set(e.user, (s = []));
    s.push({ pos: e.pos, item: p.ds.users[e.user]!.items[e.pos]! });
  }
  const out = new Map<number, number[]>();
  for (const [u, s] of seqs)
    out.set(
      u,
      s.sort((a, b) => a.pos - b.pos).map((x) => x.item),
    );
  return out;
}

/**
 * First-order transition: count(prev -> next) over consecutive training events of every user; a user's score for
 * j is count(last history item -> j), ties (including all items never seen after it) broken by training popularity.
 */
export class Transition implements Method {
  readonly name = 'transition (first-order)';
  readonly group = 'baseline' as const;
  readonly description =
    'Counts of next-item transitions from the user\'s last history item; popularity breaks ties ("what followed the last item").';
  private next = new Map<number, Map<number, number>>();
  private pop = new Float64Array(0);
  private scores = new Float64Array(0);
  private mask = new Uint8Array(0);

  prepare(p: PhaseData): void {
    const n = p.ds.items.length;
    this.pop = new Float64Array(n);
    this.next = new Map();
    for (const seq of trainingSequences(p).values()) {
      for (let k = 0; k < seq.length; k++) {
        this.pop[seq[k]!]! += 1;
        if (k === 0) continue;
        let m = this.next.get(seq[k - 1]!);
        if (!m) this.next.set(seq[k - 1]!, (m = new Map()));
        m.set(seq[k]!, (m.get(seq[k]!) ?? 0) + 1);
      }
    }
    // popularity scaled below one transition count: it only orders items with equal counts
    let max = 0;
    for (const c of this.pop) max = Math.max(max, c);
    for (let i = 0; i < n; i++) this.pop[i] = this.pop[i]! / (max + 1);
    this.scores = new Float64Array(n);
    this.mask = new Uint8Array(n);
  }

  rank(ui: number, p: PhaseData): Int32Array {
    const u = p.ds.users[ui]!;
    const end = historyEnd(u, p.phase);
    const scores = this.scores;
    scores.set(this.pop);
    if (end > 0) {
      p.guard.profile(ui, end - 1);
      const m = this.next.get(u.items[end - 1]!);
      if (m) for (const [j, c] of m) scores[j]! += c;
    }
    return topK(scores, p.depth, exclusion(p, historyMask(u, end, p.ds.items.length, this.mask)));
  }
}

export interface SknnOptions {
  /** Neighbours kept. */
  k: number;
  /** The user's most recent history items that define the "session" (linear recency weights). */
  recent: number;
}

/**
 * V-SKNN (vector multiplication session-based kNN, Ludewig & Jannach 2018), applied to each user's recent history:
 * the user's last `recent` items get linear recency weights w = (recent - r) / recent (r = 0 for the latest);
 * every other user's training sequence is a neighbour candidate with sim = sum of the weights of the shared items
 * / sqrt(|neighbour items|) (cosine up to the user's constant norm); the `k` most similar neighbours vote for their
 * items with their similarity.
 */
export class Sknn implements Method {
  readonly name: string;
  readonly group = 'baseline' as const;
  readonly description: string;
  private postings: Int32Array[] = [];
  private sets = new Map<number, Int32Array>();
  private acc = new Float64Array(0);
  private scores = new Float64Array(0);
  private mask = new Uint8Array(0);
  private weights = new Float64Array(0);

  constructor(readonly opts: SknnOptions = { k: 100, recent: 20 }) {
    this.name = `V-SKNN (k ${opts.k}, last ${opts.recent})`;
    this.description =
      "Session kNN over users' training sequences, the user's recent items weighted linearly by recency; neighbours vote with their similarity.";
  }

  prepare(p: PhaseData): void {
    const n = p.ds.items.length;
    const lists: number[][] = Array.from({ length: n }, () => []);
    this.sets = new Map();
    for (const [u, seq] of trainingSequences(p)) {
      const set = Int32Array.from(new Set(seq));
      this.sets.set(u, set);
      for (const i of set) lists[i]!.push(u);
    }
    this.postings = lists.map((l) => Int32Array.from(l));
    this.acc = new Float64Array(p.ds.users.length);
    this.scores = new Float64Array(n);
    this.mask = new Uint8Array(n);
    this.weights = new Float64Array(n);
  }

  rank(ui: number, p: PhaseData): Int32Array {
    const u = p.ds.users[ui]!;
    const end = historyEnd(u, p.phase);
    const { recent, k } = this.opts;
    const w = this.weights;
    const items: number[] = [];
    for (let r = 0; r < recent && end - 1 - r >= 0; r++) {
      const pos = end - 1 - r;
      p.guard.profile(ui, pos);
      const it = u.items[pos]!;
      if (w[it] === 0) items.push(it);
      w[it] = Math.max(w[it]!, (recent - r) / recent);
    }
    const acc = this.acc;
    const touched: number[] = [];
    for (const it of items) {
      const wi = w[it]!;
      for (const v of this.postings[it]!) {
        if (v === ui) continue;
        if (acc[v] === 0) touched.push(v);
        acc[v]! += wi;
      }
    }
    for (const it of items) w[it] = 0;
    const sims = touched.map((v) => ({ v, s: acc[v]! / Math.sqrt(this.sets.get(v)!.length) }));
    for (const v of touched) acc[v] = 0;
    sims.sort((a, b) => b.s - a.s || a.v - b.v);
    const scores = this.scores.fill(0);
    for (const { v, s } of sims.slice(0, k)) for (const j of this.sets.get(v)!) scores[j]! += s;
    return topK(scores, p.depth, exclusion(p, historyMask(u, end, p.ds.items.length, this.mask)));
  }

  release(): void {
    this.postings = [];
    this.sets = new Map();
  }
}
