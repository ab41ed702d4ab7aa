// Shared bits of the benchmarks: where the data is, the machine they ran on, percentiles, writing results.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SHARED_DATA_DIR = process.env.TASTEGRAPH_SHARED_DIR
  ? path.resolve(process.env.TASTEGRAPH_SHARED_DIR, 'data')
  : path.resolve(REPO_ROOT, '..', 'shared', 'data');

export function machine() {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    loadAverage1m: Math.round(os.loadavg()[0]! * 100) / 100,
  };
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

export function writeResult(name: string, result: unknown): string {
  const file = path.join(REPO_ROOT, 'bench', 'results', `${name}.json`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

export function progress(label: string, done: number, total: number, startedAt: number): void {
  const elapsed = (Date.now() - startedAt) / 1000;
  const eta = done > 0 ? (elapsed / done) * (total - done) : 0;
  process.stderr.write(
    `\r${label}: ${done}/${total} (${((100 * done) / total).toFixed(1)}%), ${elapsed.toFixed(0)} s elapsed, ~${eta.toFixed(0)} s left   `,
  );
  if (done >= total) process.stderr.write('\n');
}
