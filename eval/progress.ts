// A console progress bar with ETA, on stderr. Redraws in place on a TTY, prints a line every ~10% otherwise.

export class Progress {
  private done_ = 0;
  private readonly start = performance.now();
  private lastDraw = 0;
  private lastDecile = -1;
  private readonly tty = Boolean(process.stderr.isTTY);
  static silent = false;

  constructor(
    private readonly label: string,
    private readonly total: number,
  ) {}

  tick(n = 1): void {
    this.done_ += n;
    const now = performance.now();
    if (Progress.silent) return;
    if (this.tty) {
      if (now - this.lastDraw > 200 || this.done_ >= this.total) {
        this.lastDraw = now;
        process.stderr.write(`\r${this.line(now)}\x1b[K`);
      }
    } else {
      const decile = Math.floor((10 * this.done_) / Math.max(1, this.total));
      if (decile !== this.lastDecile && decile < 10) {
        this.lastDecile = decile;
        process.stderr.write(`${this.line(now)}\n`);
      }
    }
  }

  done(): void {
    if (Progress.silent) return;
    const secs = (performance.now() - this.start) / 1000;
    process.stderr.write(
      `${this.tty ? '\r' : ''}${this.label}: ${this.total} in ${fmt(secs)}${this.tty ? '\x1b[K' : ''}\n`,
    );
  }

  private line(now: number): string {
    const frac = this.total ? Math.min(1, this.done_ / this.total) : 1;
    const width = 28;
    const filled = Math.round(frac * width);
    const elapsed = (now - this.start) / 1000;
    const eta = frac > 0 ? (elapsed * (1 - frac)) / frac : Number.NaN;
    return `${this.label.padEnd(34).slice(0, 34)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(100 * frac).toFixed(0).padStart(3)}% ${this.done_}/${this.total} elapsed ${fmt(elapsed)} ETA ${Number.isFinite(eta) ? fmt(eta) : '--:--'}`;
  }
}

export function fmt(secs: number): string {
  const s = Math.max(0, Math.round(secs));
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, '0')}`;
}
