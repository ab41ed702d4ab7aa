// Explanations: reasons naming real evidence (the contributing sources' reasons, a similar recent item, a
// category the user likes).
import type { BehaviorType, ProfileSignals, Reason } from '../types.js';
import type { Candidate } from './blend.js';
import type { Catalogue } from './catalogue.js';
import type { RecommendConfig } from './config.js';
import type { RecentPositive } from './source.js';
import { dotF } from './vectors.js';

const EXPLORATION_REASON_TEXT = 'Something new we think you might like to try';

/** "Because you <verb> <title>": the recent item a candidate resembles, with the verb of what the user did. */
export function recentItemReason(
  config: RecommendConfig,
  catalogue: Catalogue,
  recent: { itemId: string; type: BehaviorType },
): Reason {
  const verb = config.reasonVerbs[recent.type] ?? config.defaultVerb;
  return {
    kind: 'SIMILAR_TO_RECENT',
    itemId: recent.itemId,
    text: `Because you ${verb} ${catalogue.title(recent.itemId)}`,
  };
}

export class Explainer {
  constructor(
    private readonly config: RecommendConfig,
    private readonly catalogue: Catalogue,
  ) {}

  /** Reasons for a recommended candidate, strongest source first; exploration picks say so first. */
  explain(c: Candidate, signals: ProfileSignals, recentPositive: RecentPositive[], exploration: boolean): Reason[] {
    const reasons: Reason[] = [];
    if (exploration) reasons.push({ kind: 'EXPLORATION', text: EXPLORATION_REASON_TEXT });
    const parts = [...c.parts.values()].sort((a, b) => b.contribution - a.contribution);
    const item = this.catalogue.get(c.id);
    for (const p of parts) {
      if (p.reason.kind === 'SIMILAR_TO_RECENT' && !p.reason.itemId) {
        const r = this.similarRecent(item?.vector ?? null, recentPositive);
        const cat = r ? null : this.categoryReason(item?.category ?? null, signals);
        // Fall back to the generic reason: the short/long-term vector itself is the evidence.
        reasons.push(r ?? cat ?? p.reason);
        continue;
      }
      const { kind, itemId, value } = p.reason;
      if (!reasons.some((x) => x.kind === kind && x.itemId === itemId && x.value === value)) reasons.push(p.reason);
    }
    // Extra evidence: a strongly similar recent item, the item's category among the user's top facets.
    if (!reasons.some((r) => r.kind === 'SIMILAR_TO_RECENT') && c.parts.has('content')) {
      const r = this.similarRecent(item?.vector ?? null, recentPositive);
      if (r) reasons.push(r);
    }
    const cat = this.categoryReason(item?.category ?? null, signals);
    if (cat && !reasons.some((r) => r.kind === 'INTEREST' && r.facet === 'category')) reasons.push(cat);
    return reasons;
  }

  /** Reasons of a similar item: its sources' reasons, strongest first. */
  similarItemReasons(c: Candidate): Reason[] {
    return [...c.parts.values()].sort((a, b) => b.contribution - a.contribution).map((p) => p.reason);
  }

  private similarRecent(vector: Float32Array | null, recentPositive: RecentPositive[]): Reason | null {
    if (!vector) return null;
    let best: { itemId: string; type: BehaviorType } | null = null;
    let bestSim = this.config.content.similarToRecentMin;
    for (const r of recentPositive.slice(0, 10)) {
      const v = this.catalogue.get(r.itemId)?.vector;
      if (!v) continue;
      const s = dotF(vector, v);
      if (s >= bestSim) {
        bestSim = s;
        best = r;
      }
    }
    return best && recentItemReason(this.config, this.catalogue, best);
  }

  private categoryReason(category: string | null, signals: ProfileSignals): Reason | null {
    if (category === null) return null;
    const top = signals.facets
      .filter((f) => f.kind === 'category' && f.weight > 0)
      .sort((a, b) => b.weight - a.weight)
      .slice(0, 5);
    if (!top.some((f) => f.value === category)) return null;
    return { kind: 'INTEREST', facet: 'category', value: category, text: `You like ${category}` };
  }
}
