// `npx tsx eval/toGeneric.ts <dataset> <outDir> [--no-item-text] [--gap-days <median>]`: writes a shared dataset in
// the generic format (items.jsonl + interactions.csv) so the generic loader and the product defaults can be checked
// on data shaped like a new user's: with --no-item-text the items carry only their ids (a catalogue without text);
// with --gap-days an order-only dataset gets wall-clock day timestamps whose gaps between a user's consecutive events
// are log-normal around that median (sigma 1.5, seeded), users starting over four years, as shop reviews are spaced
// (weeks to months apart) instead of the harness's synthetic hour.
// The output reproduces the dataset: write it outside the repository (never commit it).
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { mulberry32 } from '../src/domain/recommend/random.js';
import { BEHAVIOR_TYPES } from '../src/domain/types.js';
import { loadDataset } from './datasets/index.js';

const [dataset, outDir, ...flags] = process.argv.slice(2);
if (!dataset || !outDir) {
  process.stderr.write('usage: npx tsx eval/toGeneric.ts <dataset> <outDir> [--no-item-text]\n');
  process.exit(2);
}
const noText = flags.includes('--no-item-text');
const gapAt = flags.indexOf('--gap-days');
const gapDays = gapAt >= 0 ? Number(flags[gapAt + 1]) : null;
if (gapDays !== null && !(gapDays > 0)) throw new Error('--gap-days needs a positive median in days');
const DAY = 86_400_000;
const random = mulberry32(12345);
const logNormalDays = (median: number) => {
  const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return median * Math.exp(1.5 * z);
};
const ds = loadDataset(dataset, resolve(import.meta.dirname, '../../shared/data', dataset));
mkdirSync(outDir, { recursive: true });
const items = ds.items.map((it) =>
  JSON.stringify(
    noText
      ? { id: it.id }
      : { id: it.id, title: it.title, description: it.description, category: it.category, tags: it.tags },
  ),
);
writeFileSync(resolve(outDir, 'items.jsonl'), items.join('\n') + '\n');
const csvField = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const orderOnly = ds.timing === 'order-only' && gapDays === null;
const rows = [`user,item,${orderOnly ? 'order' : 'timestamp'},type,rating,text`];
for (const u of ds.users) {
  let day = Date.UTC(2012, 0, 1) + Math.floor(random() * 4 * 365) * DAY;
  for (let k = 0; k < u.items.length; k++) {
    if (gapDays !== null && k > 0) day += Math.round(logNormalDays(gapDays)) * DAY;
    const type = u.types ? BEHAVIOR_TYPES[u.types[k]!]! : ds.defaultType;
    const rating = u.ratings && !Number.isNaN(u.ratings[k]!) ? String(u.ratings[k]) : '';
    const when = orderOnly ? String(k) : String(gapDays !== null ? day : u.times[k]);
    const text = u.texts?.[k] ?? '';
    rows.push([u.id, ds.items[u.items[k]!]!.id, when, type, rating, csvField(text)].map(String).join(','));
  }
}
writeFileSync(resolve(outDir, 'interactions.csv'), rows.join('\n') + '\n');
process.stderr.write(
  `${ds.items.length} items, ${ds.users.length} users, ${rows.length - 1} interactions -> ${outDir}\n`,
);
