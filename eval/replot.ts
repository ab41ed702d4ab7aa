// Re-renders the PNG plots of eval/results/<dataset>.json without re-running: tsx eval/replot.ts <dataset> [dir]
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EvalReport } from './report.js';
import { renderPlots } from './run.js';

const dataset = process.argv[2];
if (!dataset) {
  process.stderr.write('usage: tsx eval/replot.ts <dataset> [results dir]\n');
  process.exit(2);
}
const dir = resolve(process.argv[3] ?? join(import.meta.dirname, 'results'));
const report = JSON.parse(readFileSync(join(dir, `${dataset}.json`), 'utf8')) as EvalReport & { halfLifeCurve?: Array<{ halfLifeDays: number; ndcg10: number; chosen: boolean }> };
let curve = report.halfLifeCurve ?? [];
if (!curve.length) {
  // Older result files: rebuild the curve from the tuning steps of the last half-life sweep.
  const steps = report.tuning.steps.filter((s) => s.step.startsWith('long half-life'));
  const last = steps.filter((s) => s.step === steps[steps.length - 1]?.step);
  const chosenHl = Number((report.tuning.chosen as { profile?: { longHalfLifeDays?: number } } | null)?.profile?.longHalfLifeDays ?? 30);
  curve = last.map((s) => ({ halfLifeDays: Number(s.setting.longHalfLifeDays), ndcg10: s.ndcg10, chosen: Number(s.setting.longHalfLifeDays) === chosenHl }));
}
await renderPlots(report, curve, dir);
process.stderr.write(`re-rendered plots of ${dataset} in ${dir}\n`);
