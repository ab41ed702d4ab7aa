// Interest clusters: which survive decay, and how the closest ones merge. Pure; exact under replay.
import { cosine } from '../vector.js';
import type { ProfileConfig } from './config.js';
import { quantize } from './half.js';
import type { InterestCluster } from './state.js';
import { capTally, mergeTallies } from './tallies.js';

/** The interest with the most weight decayed by `factor` (ties: the lowest id); null when there is none. */
export function strongestInterest<C extends { id: number; weight: number }>(clusters: C[], factor: number): C | null {
  let strongest: C | null = null;
  for (const c of clusters) {
    if (!strongest) strongest = c;
    const a = c.weight * factor;
    const b = strongest.weight * factor;
    if (a > b || (a === b && c.id < strongest.id)) strongest = c;
  }
  return strongest;
}

/**
 * The interests that survive at decay factor `factor`: weight * factor >= forgetWeight, plus always the strongest
 * one (ties: lowest id). Order is preserved. Monotone in time, which keeps consolidation replay-safe.
 */
export function liveInterests<C extends { id: number; weight: number }>(
  clusters: C[],
  factor: number,
  forgetWeight: number,
): C[] {
  const strongest = strongestInterest(clusters, factor);
  if (!strongest) return clusters;
  return clusters.filter((c) => c === strongest || c.weight * factor >= forgetWeight);
}

function mergeClusters(
  a: InterestCluster,
  b: InterestCluster,
  config: ProfileConfig,
  eventSeed: number,
): InterestCluster {
  const total = a.weight + b.weight;
  const centroid = new Float32Array(a.centroid.length);
  const wa = total > 0 ? a.weight / total : 0.5;
  const wb = total > 0 ? b.weight / total : 0.5;
  for (let i = 0; i < centroid.length; i++) centroid[i] = a.centroid[i]! * wa + b.centroid[i]! * wb;
  quantize(centroid, config, eventSeed, 1000 + a.id);
  const minT = (x: number | null, y: number | null) => (x === null ? y : y === null ? x : Math.min(x, y));
  const maxT = (x: number | null, y: number | null) => (x === null ? y : y === null ? x : Math.max(x, y));
  return {
    id: a.id,
    centroid,
    weight: total,
    facets: capTally(mergeTallies(a.facets, b.facets), config.maxClusterFacets),
    topItems: capTally(mergeTallies(a.topItems, b.topItems), config.maxClusterItems),
    createdAt: minT(a.createdAt, b.createdAt),
    updatedAt: maxT(a.updatedAt, b.updatedAt),
    source: a.source === 'behavior' || b.source === 'behavior' ? 'behavior' : 'onboarding',
  };
}

/** Merges the closest pair while there are too many interests or some pair is closer than mergeSimilarity. */
export function mergeInterests(
  clusters: InterestCluster[],
  config: ProfileConfig,
  eventSeed: number,
): InterestCluster[] {
  let cs = clusters;
  for (;;) {
    if (cs.length < 2) return cs;
    let bi = -1;
    let bj = -1;
    let best = -Infinity;
    for (let i = 0; i < cs.length; i++) {
      for (let j = i + 1; j < cs.length; j++) {
        const s = cosine(cs[i]!.centroid, cs[j]!.centroid);
        if (s > best) {
          best = s;
          bi = i;
          bj = j;
        }
      }
    }
    if (cs.length <= config.maxInterests && best < config.mergeSimilarity) return cs;
    const [a, b] = cs[bi]!.id < cs[bj]!.id ? [cs[bi]!, cs[bj]!] : [cs[bj]!, cs[bi]!];
    const merged = mergeClusters(a, b, config, eventSeed);
    cs = cs.filter((c) => c !== a && c !== b);
    cs.push(merged);
    cs.sort((x, y) => x.id - y.id);
  }
}
