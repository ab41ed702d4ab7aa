// Noisy-OR accumulation shared by the co-visitation and sequential sources.

export type NoisyOrAcc = Map<string, { miss: number; seed: string; best: number }>;

/** Noisy-OR accumulation of evidence from several seed items; remembers the strongest seed for the reason. */
export function noisyOr(acc: NoisyOrAcc, id: string, contrib: number, seed: string): void {
  const a = acc.get(id);
  if (!a) acc.set(id, { miss: 1 - contrib, seed, best: contrib });
  else {
    a.miss *= 1 - contrib;
    if (contrib > a.best) {
      a.best = contrib;
      a.seed = seed;
    }
  }
}
