// Similar-users source: session kNN (V-SKNN, Ludewig & Jannach 2018) over the users' recent positive items. The
// user's last few items, weighted linearly by recency, find the other users who chose them; the most similar vote
// for their own items with their similarity. Complements item-to-item co-visitation: a neighbour is matched on
// several of the user's items at once.
import type { Catalogue } from '../catalogue.js';
import type { RecommendConfig } from '../config.js';
import type { CandidateRequest, CandidateSource, Observation, ScoredCandidate } from '../source.js';
import { Interner } from '../state/interner.js';

export class SimilarUsersSource implements CandidateSource {
  readonly name = 'similarUsers';
  readonly scale = 'relative';
  private readonly userIds = new Interner();
  /** Per interned user: their positive items, oldest first, at most similarUsers.itemsPerUser. */
  private items: number[][] = [];
  /** Per interned item: the users who chose it, oldest first, at most similarUsers.usersPerItem. */
  private postings: number[][] = [];
  /** Scratch votes per interned user, and scores per interned item, for one request (all zero between requests). */
  private votes = new Float64Array(0);
  private scores = new Float64Array(0);

  constructor(
    private readonly config: RecommendConfig,
    private readonly ids: Interner,
    private readonly catalogue: Catalogue,
  ) {}

  observe(o: Observation): void {
    if (o.repeat || !this.config.similarUsers.enabled) return;
    const { itemsPerUser, usersPerItem } = this.config.similarUsers;
    const u = this.userIds.id(o.event.userId);
    const list = (this.items[u] ??= []);
    if (list.includes(o.item)) return;
    list.push(o.item);
    if (list.length > itemsPerUser) {
      const dropped = list.shift()!;
      const p = this.postings[dropped];
      const at = p ? p.indexOf(u) : -1;
      if (at >= 0) p!.splice(at, 1);
    }
    const users = (this.postings[o.item] ??= []);
    users.push(u);
    if (users.length > usersPerItem) users.shift();
  }

  clear(): void {
    this.items = [];
    this.postings = [];
  }

  /** The users' item lists and the items' postings, in their order (which decides what is dropped next). */
  exportState(): SimilarUsersState {
    return { users: [...this.userIds.names], items: ragged(this.items), postings: ragged(this.postings) };
  }

  importState(s: SimilarUsersState): void {
    this.clear();
    this.userIds.load(s.users);
    this.items = unragged(s.items);
    this.postings = unragged(s.postings);
  }

  candidates(req: CandidateRequest): ScoredCandidate[] {
    const { enabled, recentItems, neighbours } = this.config.similarUsers;
    if (!enabled) return [];
    const self = this.userIds.get(req.signals.userId);
    // A user the requester blocked is never their neighbour: this source is a direct user-to-user channel.
    const blocked = new Set<number>();
    for (const b of req.signals.blocked ?? []) {
      const v = this.userIds.get(b);
      if (v !== undefined) blocked.add(v);
    }
    // Votes accumulate in a scratch array indexed by user (a Map was most of this source's time on dense logs).
    if (this.votes.length < this.items.length) this.votes = new Float64Array(this.items.length * 2);
    const votes = this.votes;
    const voters: number[] = [];
    const query = req.recentPositive.slice(0, recentItems);
    query.forEach((r, rank) => {
      const i = this.ids.get(r.itemId);
      const users = i === undefined ? undefined : this.postings[i];
      if (!users) return;
      const w = (recentItems - rank) / recentItems;
      for (const v of users) {
        if (v === self || (blocked.size && blocked.has(v))) continue;
        if (votes[v] === 0) voters.push(v);
        votes[v]! += w;
      }
    });
    if (voters.length === 0) return [];
    for (const v of voters) votes[v]! /= Math.sqrt(this.items[v]!.length);
    voters.sort((a, b) => votes[b]! - votes[a]! || a - b);
    const sims = voters.slice(0, neighbours).map((v) => ({ v, s: votes[v]! }));
    for (const v of voters) votes[v] = 0;
    const names = this.ids.names;
    if (this.scores.length < names.length) this.scores = new Float64Array(names.length * 2);
    const scores = this.scores;
    const chosen: number[] = [];
    for (const { v, s } of sims)
      for (const j of this.items[v]!) {
        if (!req.acceptItem(j)) continue;
        if (scores[j] === 0) chosen.push(j);
        scores[j]! += s;
      }
    const seed = query[0]!.itemId;
    const title = this.catalogue.title(seed);
    return chosen.map((j) => {
      const raw = scores[j]!;
      scores[j] = 0;
      return {
        id: names[j]!,
        raw,
        reason: {
          kind: 'SIMILAR_USERS',
          itemId: seed,
          text: `Chosen by people whose recent picks match yours, like ${title}`,
        },
      };
    });
  }
}

/** Lists of ints as one flat array and their sizes (-1 for a hole: nothing recorded at that index). */
export interface RaggedInts {
  sizes: Int32Array;
  values: Int32Array;
}

export interface SimilarUsersState {
  users: string[];
  items: RaggedInts;
  postings: RaggedInts;
}

function ragged(lists: number[][]): RaggedInts {
  const sizes = Int32Array.from({ length: lists.length }, (_, i) => lists[i]?.length ?? -1);
  const values = Int32Array.from(lists.flatMap((l) => l ?? []));
  return { sizes, values };
}

function unragged({ sizes, values }: RaggedInts): number[][] {
  const out: number[][] = [];
  let at = 0;
  sizes.forEach((n, i) => {
    if (n >= 0) out[i] = Array.from(values.subarray(at, (at += n)));
  });
  return out;
}
