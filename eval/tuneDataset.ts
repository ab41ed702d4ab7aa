// `npx tsx eval/tuneDataset.ts --dataset ml-100k [--data dir] [--users N] [--search-users N] [--budget S]`: what `npm run model:tune`
// does (eval/tune.ts), on a shared dataset instead of a server's log, written to eval/results/model-tune-<dataset>.json.
// The pick's test figure is compared with the harness's tuned figure of eval/results/<dataset>.json when present.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadDataset } from './datasets/index.js';
import { Progress } from './progress.js';
import { DEFAULT_SEARCH_USERS, tuneRecommender } from './tune.js';
import { itemVectors } from './vectors.js';

const { values } = parseArgs({
  options: {
    dataset: { type: 'string' },
    data: { type: 'string' },
    users: { type: 'string', default: '2000' },
    budget: { type: 'string', default: '600' },
    'search-users': { type: 'string', default: String(DEFAULT_SEARCH_USERS) },
    out: { type: 'string', default: resolve(import.meta.dirname, 'results') },
  },
});
if (!values.dataset) {
  process.stderr.write(
    'usage: npx tsx eval/tuneDataset.ts --dataset <name> [--data dir] [--users N] [--search-users N] [--budget S]\n',
  );
  process.exit(2);
}
const dataDir = values.data ?? resolve(import.meta.dirname, '../../shared/data', values.dataset);
const ds = loadDataset(values.dataset, dataDir);
const vec = await itemVectors('lexical', ds);
let bar: Progress | null = null;
let shown = 0;
const load = loadavg()[0]!.toFixed(2);
const result = await tuneRecommender(ds, vec.rows, vec.matrix, vec.dim, {
  users: Math.max(1, Number.parseInt(values.users!, 10)),
  searchUsers: Math.max(1, Number.parseInt(values['search-users']!, 10)),
  budgetSeconds: Math.max(1, Number(values.budget)),
  onProgress: (done, total) => {
    bar ??= new Progress(`model:tune ${ds.name}`, total);
    bar.tick(done - shown);
    shown = done;
    if (done === total) bar.done();
  },
});
const harnessFile = join(values.out!, `${ds.name}.json`);
let harness: { tunedTestNdcg10: number; pickShare: number } | null = null;
if (existsSync(harnessFile)) {
  const report = JSON.parse(readFileSync(harnessFile, 'utf8')) as {
    results: { test: Array<{ name: string; metrics: Record<string, number> }> };
  };
  const tuned = report.results.test.find((r) => r.name === 'Tastegraph (tuned)');
  if (tuned) {
    const t = tuned.metrics['NDCG@10']!;
    harness = { tunedTestNdcg10: t, pickShare: Number((result.validation.test.chosen.ndcg10 / t).toFixed(4)) };
  }
}
mkdirSync(values.out!, { recursive: true });
const file = join(values.out!, `model-tune-${ds.name}.json`);
writeFileSync(
  file,
  JSON.stringify(
    {
      ...result,
      command: `npx tsx eval/tuneDataset.ts --dataset ${values.dataset} --users ${values.users} --search-users ${values['search-users']} --budget ${values.budget}`,
      generatedAt: new Date().toISOString(),
      machine: `${cpus().length} x ${cpus()[0]?.model ?? '?'}, load average ${load} at start`,
      encoder: vec.encoderId,
      harness,
    },
    null,
    2,
  ) + '\n',
);
const v = result.validation;
process.stderr.write(
  `${ds.name}: validation ${v.validation.defaults.ndcg10.toFixed(4)} -> ${v.validation.chosen.ndcg10.toFixed(4)}; test chosen ${v.test.chosen.ndcg10.toFixed(4)}` +
    (harness
      ? ` = ${(100 * harness.pickShare).toFixed(1)}% of the harness's tuned ${harness.tunedTestNdcg10.toFixed(4)}`
      : '') +
    `; ${v.candidatesTried} candidates, ${v.seconds} s; wrote ${file}\n`,
);
