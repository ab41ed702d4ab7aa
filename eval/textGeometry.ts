// `npx tsx eval/textGeometry.ts [encoder|modelDir ...]`: what Amazon All Beauty's review texts can and cannot tell the
// content source, per encoder, and the dataset facts that decide what the harness measures there. Figures only.
//
// Dataset: how often the same user's same review text sits on several items (Amazon 2018 attaches one review to every
// listing of a product family), how often a target's own review is on a history event, how the same-day ties order.
// Per encoder: how many items have distinct vectors; cosine between two reviews (raw, less the encoder's reference
// text direction, less the reviews' own mean); and how a user's history, read as its item vectors or as its visible
// review texts (protocol.ts visibleText), ranks the user's target among the items outside the history (by cosine to
// the sum of the unit vectors; tied items count half).
import { resolve } from 'node:path';
import { textPullVector } from '../src/domain/profile/textPull.js';
import { dot, norm } from '../src/domain/vector.js';
import { loadDataset } from './datasets/index.js';
import { historyEnd, planSplit, visibleText, type Phase } from './protocol.js';
import { readTexts } from './texts.js';
import { itemVectors } from './vectors.js';

const ds = loadDataset(
  'amazon-all-beauty',
  resolve(import.meta.dirname, '../../shared/data/amazon-all-beauty-reviews'),
);
const users = planSplit(ds, {}).users.map((u) => ds.users[u]!);
const PHASES: Phase[] = ['val', 'test'];

const unit = (a: Float32Array) => {
  const n = norm(a) || 1;
  return a.map((x) => x / n);
};
/** What the profile's text pull does (domain/profile/textPull.ts), a zero vector when nothing is left. */
const minusAlong = (v: Float32Array, d: Float32Array | null) => textPullVector(v, d) ?? new Float32Array(v.length);
const count = (xs: boolean[]) => xs.filter(Boolean).length;

// Dataset facts.
const idOf = (it: number) => ds.items[it]!.id;
const sameDayIds = (u: (typeof users)[0], k: number) =>
  [...u.items]
    .filter((_, j) => u.times[j] === u.times[k])
    .map(idOf)
    .sort();
const facts = PHASES.map((p) => {
  const end = (u: (typeof users)[0]) => historyEnd(u, p);
  const ownTextInHistory = count(users.map((u) => u.texts!.slice(0, end(u)).includes(u.texts![end(u)]!)));
  const noVisibleText = count(users.map((u) => [...Array(end(u)).keys()].every((k) => visibleText(u, k, p) === null)));
  const tiesPrevious = count(users.map((u) => u.times[end(u)] === u.times[end(u) - 1]));
  const nextIdOfDay = count(
    users.map((u) => {
      const day = sameDayIds(u, end(u));
      return day.length > 1 && day.indexOf(idOf(u.items[end(u)]!)) === day.indexOf(idOf(u.items[end(u) - 1]!)) + 1;
    }),
  );
  return (
    `${p}: target's own review text on a history event ${ownTextInHistory}/${users.length}; no visible history ` +
    `text ${noVisibleText}; target on the same day as the event before ${tiesPrevious}; target = the next item id ` +
    `of that day (ties keep the file's id order) ${nextIdOfDay}`
  );
});
const inHistories = new Map<number, number>();
for (const u of users) for (const it of new Set(u.items)) inHistories.set(it, (inHistories.get(it) ?? 0) + 1);
const widest = [...inHistories].sort((a, b) => b[1] - a[1]).slice(0, 5);
console.log(
  `${users.length} users; items in most users' sequences: ${widest.map(([i, c]) => `${idOf(i)} ${c}`).join(', ')}`,
);
for (const f of facts) console.log(f);

for (const spec of process.argv.slice(2).length ? process.argv.slice(2) : ['lexical']) {
  const vec = await itemVectors(spec, ds);
  const read = await readTexts(ds, vec.encoder);
  const distinct = new Set(vec.rows.map((r) => [...r].map((x) => x.toFixed(4)).join(','))).size;
  const all = [...new Set(users.flatMap((u) => u.texts ?? []))].flatMap((t) => (t ? [read.vector(t)!] : []));
  const mean = new Float32Array(vec.dim);
  for (const v of all) for (let i = 0; i < vec.dim; i++) mean[i]! += v[i]! / all.length;
  const directions = { raw: null, 'less reference': read.direction, 'less reviews mean': mean };
  const pairCos = Object.entries(directions).map(([name, d]) => {
    const us = all.map((v) => unit(minusAlong(v, d)));
    let s = 0;
    let n = 0;
    for (let i = 0; i < us.length; i++) for (let j = i + 1; j < us.length; j++, n++) s += dot(us[i]!, us[j]!);
    return `${name} ${(s / n).toFixed(3)}`;
  });
  console.log(
    `${vec.encoderId}: ${distinct} distinct item vectors of ${vec.rows.length}; cos(reference direction, reviews ` +
      `mean) ${dot(unit(read.direction!), unit(mean)).toFixed(3)}; cosine between two distinct reviews: ${pairCos.join(', ')}`,
  );
  const reads: Record<string, (u: (typeof users)[0], k: number, p: Phase) => Float32Array | null> = {
    items: (u, k) => vec.rows[u.items[k]!]!,
    'text less reference': (u, k, p) => {
      const t = visibleText(u, k, p);
      return t ? minusAlong(read.vector(t)!, read.direction) : null;
    },
    'text less reviews mean': (u, k, p) => {
      const t = visibleText(u, k, p);
      return t ? minusAlong(read.vector(t)!, mean) : null;
    },
  };
  for (const p of PHASES) {
    const out = Object.entries(reads).map(([name, f]) => {
      let hits = 0;
      let ranked = 0;
      let rankSum = 0;
      for (const u of users) {
        const end = historyEnd(u, p);
        const q = new Float32Array(vec.dim);
        let any = false;
        for (let k = 0; k < end; k++) {
          const x = f(u, k, p);
          if (!x) continue;
          any = true;
          const ux = unit(x);
          for (let i = 0; i < vec.dim; i++) q[i]! += ux[i]!;
        }
        if (!any) continue;
        const hist = new Set(u.items.subarray(0, end));
        const target = u.items[end]!;
        const tq = dot(q, vec.rows[target]!);
        let r = 0;
        for (let j = 0; j < ds.items.length; j++) {
          if (hist.has(j) || j === target) continue;
          const d = dot(q, vec.rows[j]!);
          r += d > tq + 1e-7 ? 1 : d > tq - 1e-7 ? 0.5 : 0;
        }
        ranked++;
        rankSum += r;
        if (r < 9.5) hits++;
      }
      return `${name}: hit@10 ${hits}/${ranked}, mean rank ${(rankSum / ranked).toFixed(1)}`;
    });
    console.log(`  ${p} target by cosine to the history: ${out.join('; ')}`);
  }
}
