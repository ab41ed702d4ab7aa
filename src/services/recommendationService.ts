// Serves User.recommendations and similarItems from the one in-memory RecommenderModel, which follows the shared
// event log in sequence order (LogFollower) from start to shutdown.
import { noveltyFacet } from '../domain/profile/index.js';
import type { RecommenderModel } from '../domain/recommend/index.js';
import type { BehaviorEvent, FacetWeight, ProfileSignals, RecommendationFilter, Reason } from '../domain/types.js';
import type { EncoderService } from '../inference/encoderService.js';
import type { ItemRow, Store, UserRow } from '../store/types.js';
import { notFound } from './errors.js';
import { forEachSliced } from './slices.js';
import type { ProfileView } from './profileView.js';

export interface RecommendationResult {
  item: ItemRow;
  score: number;
  reasons: Reason[];
}

interface Deps {
  store: Store;
  model: RecommenderModel;
  encoder: EncoderService;
  explore: number;
}

export class RecommendationService {
  constructor(private readonly deps: Deps) {}

  observe(event: BehaviorEvent, userAttributes: Record<string, unknown>): void {
    this.deps.model.observe(event, { userAttributes });
  }

  /** Segment popularity ("users like you liked") follows attribute changes at once. */
  setUserAttributes(userId: string, attributes: Record<string, unknown>): void {
    this.deps.model.setUserAttributes(userId, attributes);
  }

  /**
   * Forgets all behaviour state and replays the remaining log (after an erasure), so the live model equals one
   * rebuilt at start from the same log. Costs one full log read. Returns the last sequence read. Events are observed
   * in sequence order, as the log follower feeds them at start (model.rebuild would sort them by time, which
   * differs where events arrive out of order).
   */
  async rebuildFromLog(attributes: Map<string, Record<string, unknown>>): Promise<number> {
    this.deps.model.rebuild([]);
    let last = 0;
    for await (const rows of this.deps.store.iterateBehaviors()) {
      await forEachSliced(rows, (e) => this.observe(e, attributes.get(e.userId) ?? {}));
      if (rows.length) last = rows[rows.length - 1]!.seq;
    }
    return last;
  }

  /** Every user's non-empty attributes (segment popularity), read page by page. */
  async userAttributes(): Promise<Map<string, Record<string, unknown>>> {
    const attributes = new Map<string, Record<string, unknown>>();
    for (let after: string | null = null; ;) {
      const page = await this.deps.store.listUsers(1000, after);
      for (const u of page.rows) if (Object.keys(u.attributes).length) attributes.set(u.id, u.attributes);
      if (!page.hasNextPage || !page.rows.length) break;
      after = page.rows[page.rows.length - 1]!.id;
    }
    return attributes;
  }

  async forUser(
    user: UserRow,
    profile: ProfileView | null,
    opts: { first: number; filter?: RecommendationFilter; explore?: number; seed?: number },
  ): Promise<RecommendationResult[]> {
    const now = Date.now();
    const signals = profile ? profile.signals(now) : await this.coldSignals(user);
    if (signals.following?.length) {
      // A followed user who has since blocked this one no longer shares their activity with them.
      const blockers = new Set(await this.deps.store.blockersOf(user.id));
      if (blockers.size) signals.following = signals.following.filter((id) => !blockers.has(id));
    }
    const recs = this.deps.model.recommend({
      signals,
      first: opts.first,
      filter: opts.filter,
      now,
      explore: opts.explore ?? this.deps.explore,
      seed: opts.seed,
    });
    return this.attachItems(recs);
  }

  /** Read-time novelty seeking of a profile, from the model's item counts (not replayable, so not in the state). */
  novelty(consumed: readonly string[]): FacetWeight | null {
    const { model } = this.deps;
    const max = consumed.length ? model.itemEvents(consumed[0]!).max : 0;
    return noveltyFacet(consumed, (id) => model.itemEvents(id).events, max);
  }

  async similarItems(itemId: string, first: number): Promise<RecommendationResult[]> {
    if (!this.deps.model.getItem(itemId)) throw notFound('itemId', `item ${itemId} does not exist`);
    return this.attachItems(this.deps.model.similarItems(itemId, first));
  }

  /** A user with no profile yet: attributes and onboarding text are all there is. */
  private async coldSignals(user: UserRow): Promise<ProfileSignals> {
    const onboarding = user.onboardingText?.trim()
      ? await this.deps.encoder.encode(user.onboardingText, 'query')
      : null;
    return {
      userId: user.id,
      longTerm: null,
      shortTerm: null,
      interests: [],
      facets: [],
      recent: [],
      consumed: new Set(),
      rejected: new Set(),
      attributes: user.attributes,
      onboarding,
      eventCount: 0,
    };
  }

  private async attachItems(
    recs: Array<{ itemId: string; score: number; reasons: Reason[] }>,
  ): Promise<RecommendationResult[]> {
    const rows = await this.deps.store.itemsByIds(recs.map((r) => r.itemId));
    const out: RecommendationResult[] = [];
    recs.forEach((r, i) => {
      const item = rows[i];
      if (item) out.push({ item, score: r.score, reasons: r.reasons });
    });
    return out;
  }
}
