// Re-renders the PNG plots of eval/results/<dataset>.json without re-running: tsx eval/replot.ts <dataset> [dir]
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeReport, type EvalReport } from './report.js';
import { renderPlots } from './run.js';

const dataset = process.argv[2];
if (!dataset) {
  process.stderr.write('usage: tsx eval/replot.ts <dataset> [results dir]\n');
  process.exit(2);
}
const dir = resolve(process.argv[3] ?? join(import.meta.dirname, 'results'));
const report = JSON.parse(readFileSync(join(dir, `${dataset}.json`), 'utf8')) as EvalReport & {
  halfLifeCurve?: Array<{ halfLifeDays: number; ndcg10: number; chosen: boolean }>;
};
let curve = report.halfLifeCurve ?? [];
if (!curve.length) {
  // Older result files: rebuild the curve from the tuning steps of the last half-life sweep.
  const steps = report.tuning.steps.filter((s) => s.step.startsWith('long half-life'));
  const last = steps.filter((s) => s.step === steps[steps.length - 1]?.step);
  const chosenHl = Number(
    (report.tuning.chosen as { profile?: { longHalfLifeDays?: number } } | null)?.profile?.longHalfLifeDays ?? 30,
  );
  curve = last.map((s) => ({
    halfLifeDays: Number(s.setting.longHalfLifeDays),
    ndcg10: s.ndcg10,
    chosen: Number(s.setting.longHalfLifeDays) === chosenHl,
  }));
  // The sweep's centre (the best setting so far, at the default 30 days when no earlier sweep ran) is not a step of its own.
  const firstIdx = report.tuning.steps.findIndex((s) => s === last[0]);
  const earlier = report.tuning.steps.slice(0, firstIdx);
  if (
    firstIdx > 0 &&
    !earlier.some((s) => s.step.startsWith('long half-life')) &&
    !curve.some((p) => p.halfLifeDays === 30)
  ) {
    curve.push({ halfLifeDays: 30, ndcg10: Math.max(...earlier.map((s) => s.ndcg10)), chosen: chosenHl === 30 });
    curve.sort((a, b) => a.halfLifeDays - b.halfLifeDays);
  }
}
// Older files: short display names for the encoder ablation, and the tuning note without a step that did not run.
for (const r of report.results.test) r.name = r.name.replace(/^- encoder (\w+) \(.*\)$/, '- encoder $1');
if (!report.tuning.steps.some((s) => s.step === 'event mapping')) {
  report.tuning.note = report.tuning.note.replace(
    'event mapping (native RATE events vs every rating as a positive CLICK), then ',
    '',
  );
}
writeReport(dir, report);
await renderPlots(report, curve, dir);
process.stderr.write(`re-rendered plots of ${dataset} in ${dir}\n`);
