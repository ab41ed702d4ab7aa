// Builds eval/results/SUMMARY.md (the README "Quality" table) from the per-dataset results files:
//   tsx eval/summary.ts
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EvalReport } from './report.js';

const dir = join(import.meta.dirname, 'results');
const DATASETS = ['ml-100k', 'amazon-scientific', 'ml-1m'];

/** Published reference points (see eval/PUBLISHED.md for sources and processing differences). */
const PUBLISHED: Record<
  string,
  Array<{ model: string; hr10: number | null; ndcg10: number | null; source: string }>
> = {
  'ml-1m': [
    { model: 'BERT4Rec', hr10: 0.2843, ndcg10: 0.1537, source: 'Klenitskiy & Vasilev, RecSys 2023' },
    { model: 'SASRec (BCE)', hr10: 0.25, ndcg10: 0.1341, source: 'Klenitskiy & Vasilev, RecSys 2023' },
    { model: 'SASRec+ (full CE)', hr10: 0.3152, ndcg10: 0.1821, source: 'Klenitskiy & Vasilev, RecSys 2023' },
    { model: 'SASRec+ 3000', hr10: 0.3159, ndcg10: 0.1857, source: 'Klenitskiy & Vasilev, RecSys 2023' },
  ],
  'amazon-scientific': [
    { model: 'SASRec, UniSRec', hr10: null, ndcg10: null, source: 'UniSRec, KDD 2022, Table 3: values not found here' },
    {
      model: 'VQ-Rec (RecBole, protocol B)',
      hr10: null,
      ndcg10: 0.0643,
      source: 'Hou et al., WWW 2023, as quoted in issue #12 (protocol B: compare with the B column)',
    },
    {
      model: 'Recformer (own preprocessing, not comparable)',
      hr10: 0.1448,
      ndcg10: 0.1027,
      source: 'Li et al., KDD 2023',
    },
  ],
  'ml-100k': [],
};

const f = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(4));
const lines: string[] = [];
lines.push('# Quality: Tastegraph on public datasets');
lines.push('');
lines.push(
  'Chronological leave-one-out (last interaction = test, second to last = validation), full-catalogue ranking with the ' +
    "user's history excluded, users with < 5 interactions dropped; shared models see only events before each user's held-out " +
    'items; settings tuned on validation only and test computed once. Order-only datasets use a synthetic clock (1 h between a ' +
    "user's events). Details: eval/README.md; published figures and processing differences: eval/PUBLISHED.md.",
);
lines.push('');
lines.push('| dataset | method | HR@10 (A) | NDCG@10 (A) | NDCG@10 (B) | users | source |');
lines.push('|---|---|---:|---:|---:|---:|---|');
for (const d of DATASETS) {
  const file = join(dir, `${d}.json`);
  if (!existsSync(file)) {
    lines.push(`| ${d} | (not run) | | | | |`);
    continue;
  }
  const r = JSON.parse(readFileSync(file, 'utf8')) as EvalReport;
  const rows = r.results.test.filter((x) => x.group !== 'ablation');
  for (const x of rows) {
    const b = r.results.testProtocolB?.find((y) => y.name === x.name);
    lines.push(
      `| ${d} | ${x.name} | ${f(x.metrics['HR@10'])} | ${f(x.metrics['NDCG@10'])} | ${f(b?.metrics['NDCG@10'])} | ${x.metrics.users} | this run (${r.generatedAt.slice(0, 10)}) |`,
    );
  }
  for (const p of PUBLISHED[d] ?? []) {
    const protoB = p.model.includes('protocol B');
    lines.push(
      `| ${d} | ${p.model} (published) | ${protoB ? '–' : f(p.hr10)} | ${protoB ? '–' : f(p.ndcg10)} | ${protoB ? f(p.ndcg10) : '–'} | | ${p.source} |`,
    );
  }
}
lines.push('');
lines.push('Target check (Tastegraph tuned vs the best baseline of the same run, NDCG@10, goal >= 1.20x):');
lines.push('');
for (const d of DATASETS) {
  const file = join(dir, `${d}.json`);
  if (!existsSync(file)) continue;
  const r = JSON.parse(readFileSync(file, 'utf8')) as EvalReport;
  lines.push(
    `- ${d}: ratio ${String(r.target['ratio to best baseline'])} vs ${String(r.target['best baseline'])}; met: ${String(r.target['target (>= 1.20x every baseline) met'])}; run time ${String(r.timings.total)}.`,
  );
}
const ml1m = join(dir, 'ml-1m.json');
if (existsSync(ml1m)) {
  const r = JSON.parse(readFileSync(ml1m, 'utf8')) as EvalReport;
  const tg = r.results.test.find((x) => x.name === 'Tastegraph (tuned)')?.metrics['NDCG@10'];
  if (tg !== undefined) {
    lines.push('');
    lines.push(
      `Gap to trained sequential models on ML-1M (NDCG@10): Tastegraph ${tg.toFixed(4)} is ` +
        PUBLISHED['ml-1m']!.map(
          (p) => `${((100 * tg) / p.ndcg10!).toFixed(0)}% of ${p.model} (${p.ndcg10!.toFixed(4)})`,
        ).join(', ') +
        '. The published split differs slightly (BERT4Rec preprocessing with 3,416 items vs our 3,706), see eval/PUBLISHED.md.',
    );
  }
}
lines.push('');
lines.push(
  'Plots: `eval/results/<dataset>-ablation.png` (NDCG@10 per method and ablation) and `<dataset>-halflife.png`.',
);
writeFileSync(join(dir, 'SUMMARY.md'), lines.join('\n') + '\n');
process.stderr.write(`wrote ${join(dir, 'SUMMARY.md')}\n`);
