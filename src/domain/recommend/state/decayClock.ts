// Forward-decay clock behind the recommender's time-decayed counters.
//
// Decay uses "forward decay": an increment at time t is stored as w * 2^((t - t0) / halfLife) for a fixed
// reference t0, so stored values never need touching as time passes and values are comparable across items
// (the ranking at any `now` equals the ranking of the stored values). The value at `now` is
// stored * 2^(-(now - t0) / halfLife). When the exponent grows large the owner rescales all stored values
// and moves t0 (rare: every ~400 half-lives).

const MAX_EXPONENT = 400;

export class DecayClock {
  t0: number | null = null;
  constructor(readonly halfLifeMs: number) {}

  /** Multiplier for an increment at time t; returns null when the owner must rescale first (see rescale). */
  factor(t: number): number | null {
    if (this.t0 === null) this.t0 = t;
    const e = (t - this.t0) / this.halfLifeMs;
    if (e > MAX_EXPONENT) return null;
    return Math.pow(2, Math.max(e, -MAX_EXPONENT));
  }

  /** Move t0 to t; returns the multiplier the owner must apply to every stored value. */
  rebase(t: number): number {
    const old = this.t0 ?? t;
    this.t0 = t;
    return Math.pow(2, -(t - old) / this.halfLifeMs);
  }

  /** A value at `now` expressed on the stored scale (for shrinkage constants). */
  storedFor(value: number, now: number): number {
    if (this.t0 === null) return value;
    return value * Math.pow(2, (now - this.t0) / this.halfLifeMs);
  }

  /** Stored value -> value at `now`. */
  valueAt(stored: number, now: number): number {
    if (this.t0 === null) return stored;
    return stored * Math.pow(2, -(now - this.t0) / this.halfLifeMs);
  }
}
