// `npx tsx eval/textAB.ts <encoder> [val|test] [--no-direction]`: per user, what adding the review texts does on Amazon
// All Beauty (product defaults and the tuned setting of the encoder's committed run), as a paired comparison: how many
// users gain or lose their hit@10, and the NDCG@10 change. Same protocol, leak guards and product path as the harness
// (eval/run.ts); --no-direction feeds the texts without the encoder's common text direction (inference/textDirection.ts).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadDataset } from './datasets/index.js';
import { phaseData } from './method.js';
import { planSplit, targetOf, type Phase } from './protocol.js';
import {
  DEFAULT_SETTINGS,
  mergeSettings,
  TastegraphContext,
  TastegraphMethod,
  type TastegraphSettings,
} from './tastegraph.js';
import { readTexts } from './texts.js';
import { itemVectors } from './vectors.js';

const args = process.argv.slice(2);
const [spec, phaseArg = 'val'] = args.filter((a) => !a.startsWith('--'));
if (!spec) {
  process.stderr.write('usage: npx tsx eval/textAB.ts <lexical|modelDir> [val|test] [--no-direction]\n');
  process.exit(2);
}
const phase: Phase = phaseArg === 'test' ? 'test' : 'val';
const ds = loadDataset(
  'amazon-all-beauty',
  resolve(import.meta.dirname, '../../shared/data/amazon-all-beauty-reviews'),
);
const vec = await itemVectors(spec, ds);
const read = await readTexts(ds, vec.encoder);
const texts = args.includes('--no-direction') ? { ...read, direction: null } : read;
const name = spec === 'lexical' ? '' : `${spec.replace(/\/+$/, '').split('/').pop()}/`;
const report = JSON.parse(
  readFileSync(resolve(import.meta.dirname, 'results', `${name}amazon-all-beauty.json`), 'utf8'),
) as { tuning: { chosen: TastegraphSettings } };
const plan = planSplit(ds, {});
const ctx = new TastegraphContext(ds, vec.rows, vec.dim, plan.users, 8, texts);
const pd = phaseData(ds, plan, phase, vec);

/** Each user's NDCG@10 (one target: 1 / log2(rank + 2) when it is in the top 10, else 0). */
async function perUser(s: TastegraphSettings): Promise<number[]> {
  const m = new TastegraphMethod('ab', 'tastegraph', '', s, ctx);
  await m.prepare(pd);
  return plan.users.map((ui) => {
    const out = m.rank(ui, pd);
    const top = [...(out instanceof Int32Array ? out : out.top10).subarray(0, 10)];
    const k = top.indexOf(targetOf(ds.users[ui]!, phase));
    return k < 0 ? 0 : 1 / Math.log2(k + 2);
  });
}

for (const [row, base] of [
  ['defaults', DEFAULT_SETTINGS],
  ['tuned', report.tuning.chosen],
] as const) {
  const without = await perUser(base);
  const withText = await perUser(mergeSettings(base, { text: true }));
  let better = 0;
  let worse = 0;
  let diff = 0;
  without.forEach((a, i) => {
    const b = withText[i]!;
    if (b > a + 1e-12) better++;
    else if (b < a - 1e-12) worse++;
    diff += b - a;
  });
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  console.log(
    `${vec.encoderId} ${phase} ${row}: NDCG@10 ${mean(without).toFixed(4)} -> ${mean(withText).toFixed(4)} ` +
      `(${diff >= 0 ? '+' : ''}${(diff / without.length).toFixed(4)}); better for ${better} users, worse for ${worse}`,
  );
}
