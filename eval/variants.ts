// `npx tsx eval/variants.ts <dataset> <users> <variants.json> [val|test] [dataDir]`: NDCG@10 / HR@10 of a few Tastegraph
// settings on one phase, for quick comparisons outside the full harness (eval/run.ts) when a full run does not fit.
// Each variant is [name, overrides, fromDefaults?]: overrides merge onto the harness's tuned setting of
// eval/results/<dataset>.json, or onto the product defaults when fromDefaults is true. Same protocol, leak guards
// and product path as the harness; `users` is an evenly spread sample (>= the user count: everyone). `dataDir`
// defaults to ../shared/data/<dataset> (give it for `generic`); without a harness result for the dataset only
// variants from the defaults run.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadDataset } from './datasets/index.js';
import { evaluateMethod, phaseData } from './method.js';
import { planSplit, type Phase } from './protocol.js';
import {
  DEFAULT_SETTINGS,
  mergeSettings,
  TastegraphContext,
  TastegraphMethod,
  type TastegraphSettings,
} from './tastegraph.js';
import { itemVectors } from './vectors.js';

const [dataset, usersArg, variantsFile, phaseArg = 'val', dataDir] = process.argv.slice(2);
if (!dataset || !usersArg || !variantsFile) {
  process.stderr.write('usage: npx tsx eval/variants.ts <dataset> <users> <variants.json> [val|test] [dataDir]\n');
  process.exit(2);
}
const phase: Phase = phaseArg === 'test' ? 'test' : 'val';
const ds = loadDataset(dataset, dataDir ?? resolve(import.meta.dirname, '../../shared/data', dataset));
const vec = await itemVectors('lexical', ds);
const full = planSplit(ds, {});
const n = Number(usersArg);
const step = full.users.length / n;
const plan =
  n >= full.users.length
    ? full
    : { ...full, users: Array.from({ length: n }, (_, k) => full.users[Math.floor(k * step)]!) };
const reportFile = resolve(import.meta.dirname, 'results', `${dataset}.json`);
const tuned: TastegraphSettings | null = existsSync(reportFile)
  ? (JSON.parse(readFileSync(reportFile, 'utf8')) as { tuning: { chosen: TastegraphSettings } }).tuning.chosen
  : null;
const variants = JSON.parse(readFileSync(variantsFile, 'utf8')) as Array<
  [string, Partial<TastegraphSettings>, boolean?]
>;
const ctx = new TastegraphContext(ds, vec.rows, vec.dim, plan.users);
for (const [name, over, fromDefaults] of variants) {
  if (!fromDefaults && !tuned) throw new Error(`variant "${name}": no harness result ${reportFile} to start from`);
  const s = mergeSettings(fromDefaults ? DEFAULT_SETTINGS : tuned!, over);
  const t0 = performance.now();
  const m = new TastegraphMethod(name, 'tastegraph', '', s, ctx);
  const pd = phaseData(ds, plan, phase, vec);
  const r = await evaluateMethod(m, pd, { quiet: true });
  const secs = ((performance.now() - t0) / 1000).toFixed(0);
  console.log(
    `${dataset} ${phase} (${plan.users.length} users) ${name}: NDCG@10 ${r.metrics['NDCG@10'].toFixed(4)} HR@10 ${r.metrics['HR@10'].toFixed(4)} (${secs} s)`,
  );
}
