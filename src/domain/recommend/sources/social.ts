// Social source (issue #16): "people you follow liked this". Candidates are the recent positive items of the users
// the profile follows (their co-visitation buffers, which the model keeps anyway), each followee's evidence decayed
// by age (config.social.halfLifeMs) and combined by noisy-OR, so calibrated to [0, 1].
//
// Privacy: the reason names a followee only when their attributes say `shareActivity: true` (upsertUser), by their
// `displayName` attribute or else their user id; otherwise it says "Someone you follow liked this". Blocked users
// never contribute here (the profile's fold already removes a blocked user from `following`; they are skipped
// again in case signals come from elsewhere).
import type { RecommendConfig } from '../config.js';
import type { CandidateRequest, CandidateSource, Reason, ScoredCandidate } from '../source.js';
import type { Interner } from '../state/interner.js';
import type { UserTable } from '../state/users.js';

const ANONYMOUS = 'Someone you follow liked this';

/** Attributes about sharing, not about taste: segments (users like you) leave them out. */
export const SOCIAL_ATTRIBUTES: ReadonlySet<string> = new Set(['shareActivity', 'displayName']);

/** How a followee may be named in reasons: null unless they share their activity. */
export function sharedName(attributes: Record<string, unknown> | null | undefined, userId: string): string | null {
  if (!attributes || attributes.shareActivity !== true) return null;
  const name = attributes.displayName;
  return typeof name === 'string' && name.trim() ? name.trim().slice(0, 64) : userId;
}

interface Acc {
  miss: number;
  /** Strongest contribution from a followee who may be named, and who. */
  named: { userId: string; name: string; contrib: number } | null;
}

export class SocialSource implements CandidateSource {
  readonly name = 'social';
  readonly scale = 'absolute';

  constructor(
    private readonly config: RecommendConfig,
    private readonly ids: Interner,
    private readonly users: UserTable,
  ) {}

  candidates(req: CandidateRequest): ScoredCandidate[] {
    const following = req.signals.following ?? [];
    if (following.length === 0) return [];
    const blocked = new Set(req.signals.blocked ?? []);
    const { halfLifeMs, maxFollowees } = this.config.social;
    const acc = new Map<string, Acc>();
    // The most recently followed first.
    for (const f of following.slice(-maxFollowees).reverse()) {
      if (blocked.has(f) || f === req.signals.userId) continue;
      const u = this.users.peek(f);
      if (!u || u.buffer.length === 0) continue;
      const name = sharedName(u.attributesRef, f);
      for (const b of u.buffer) {
        if (!req.acceptItem(b.item)) continue;
        const id = this.ids.name(b.item);
        const age = Math.max(0, req.now - b.t);
        const contrib = Math.min(1, Math.max(0, b.w)) * (halfLifeMs > 0 ? Math.pow(2, -age / halfLifeMs) : 1);
        if (!(contrib > 0)) continue;
        let a = acc.get(id);
        if (!a) acc.set(id, (a = { miss: 1, named: null }));
        a.miss *= 1 - contrib;
        if (name !== null && (a.named === null || contrib > a.named.contrib)) a.named = { userId: f, name, contrib };
      }
    }
    const out: ScoredCandidate[] = [];
    for (const [id, a] of acc) out.push({ id, raw: 1 - a.miss, reason: reasonFor(a) });
    return out;
  }
}

function reasonFor(a: Acc): Reason {
  if (!a.named) return { kind: 'FOLLOWING', text: ANONYMOUS };
  return { kind: 'FOLLOWING', text: `${a.named.name}, whom you follow, liked this`, value: a.named.userId };
}
