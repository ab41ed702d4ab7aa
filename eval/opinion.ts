// Agreement between the opinion read from review text and the stars the reviewer gave, on the Amazon 2018
// "All Beauty" 5-core reviews (../shared/data/amazon-all-beauty-reviews; research use only, never committed).
// Only figures are written (no review text): eval/results/opinion-amazon-all-beauty.{json,md}.
//
//   npx tsx eval/opinion.ts [--data ../shared/data/amazon-all-beauty-reviews] [--models ../shared/models] [--out eval/results]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { loadEncoder } from '../src/inference/loadEncoder.js';
import { OpinionReader, type OpinionMethod } from '../src/inference/opinion/reader.js';

export interface StarReview {
  stars: number;
  text: string;
}

/** Distinct (user, item, time, text) reviews with a non-empty text (the 2018 release repeats 1,053 rows). */
export function readBeautyReviews(dir: string): StarReview[] {
  const raw = gunzipSync(readFileSync(join(dir, 'All_Beauty_5.json.gz'))).toString('utf8');
  const seen = new Set<string>();
  const out: StarReview[] = [];
  for (const line of raw.split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as {
      overall: number;
      reviewText?: string;
      reviewerID: string;
      asin: string;
      unixReviewTime: number;
    };
    const text = r.reviewText?.trim();
    if (!text) continue;
    const key = `${r.reviewerID}\u0000${r.asin}\u0000${r.unixReviewTime}\u0000${text}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ stars: r.overall, text });
  }
  return out;
}

/** AUC of `score` separating positives from negatives (Mann-Whitney, ties count half). */
export function auc(pos: number[], neg: number[]): number {
  const all = [...pos.map((s) => ({ s, p: 1 })), ...neg.map((s) => ({ s, p: 0 }))].sort((a, b) => a.s - b.s);
  let rankSum = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j < all.length && all[j]!.s === all[i]!.s) j++;
    const avgRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (all[k]!.p) rankSum += avgRank;
    i = j;
  }
  return (rankSum - (pos.length * (pos.length + 1)) / 2) / (pos.length * neg.length);
}

export interface Agreement {
  method: string;
  encoder: string;
  /** AUC of polarity: 4-5 star reviews vs 1-2 star reviews (chance 0.5). */
  auc: number;
  /** Mean of the recall of positives (polarity > 0) and of negatives (polarity < 0) (chance 0.5). */
  balancedAccuracy: number;
  /** Spearman-free summary: mean polarity per star. */
  meanPolarityByStars: Record<string, number>;
}

export function agreement(method: string, encoder: string, reviews: StarReview[], polarity: number[]): Agreement {
  const pos = polarity.filter((_, i) => reviews[i]!.stars >= 4);
  const neg = polarity.filter((_, i) => reviews[i]!.stars <= 2);
  const recallPos = pos.filter((p) => p > 0).length / pos.length;
  const recallNeg = neg.filter((p) => p < 0).length / neg.length;
  const byStars: Record<string, number> = {};
  for (const s of [1, 2, 3, 4, 5]) {
    const ps = polarity.filter((_, i) => reviews[i]!.stars === s);
    byStars[s] = ps.length ? Math.round((ps.reduce((a, b) => a + b, 0) / ps.length) * 1000) / 1000 : NaN;
  }
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  return {
    method,
    encoder,
    auc: r3(auc(pos, neg)),
    balancedAccuracy: r3((recallPos + recallNeg) / 2),
    meanPolarityByStars: byStars,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: {
        type: 'string',
        default: resolve(import.meta.dirname, '..', '..', 'shared', 'data', 'amazon-all-beauty-reviews'),
      },
      models: { type: 'string', default: resolve(import.meta.dirname, '..', '..', 'shared', 'models') },
      out: { type: 'string', default: resolve(import.meta.dirname, 'results') },
    },
  });
  const reviews = readBeautyReviews(values.data!);
  const rows: Agreement[] = [];
  const texts = reviews.map((r) => r.text);
  const lexicon = new OpinionReader(null, { method: 'lexicon' });
  rows.push(
    agreement(
      'lexicon (VADER + review cues)',
      '-',
      reviews,
      texts.map((t) => lexicon.read(t, null)!.polarity),
    ),
  );
  const dirs: Array<string | null> = [
    null,
    ...['m2v-bge-base-vq128', 'glove-6B-50d-10k'].map((m) => join(values.models!, m)).filter((d) => existsSync(d)),
  ];
  for (const dir of dirs) {
    const enc = await loadEncoder({ modelDir: dir });
    const vectors = await enc.encodeBatch(texts, 'query');
    const encode = (ts: string[]) => enc.encodeBatch(ts, 'query');
    for (const method of ['encoder', 'blend'] as OpinionMethod[]) {
      const reader = new OpinionReader({ kind: enc.kind, encode }, { method });
      await reader.prepare();
      rows.push(
        agreement(
          method === 'encoder' ? 'encoder zero-shot (anchors)' : 'blend (mean of lexicon and encoder)',
          enc.id,
          reviews,
          texts.map((t, i) => reader.read(t, vectors[i]!)!.polarity),
        ),
      );
    }
    await enc.close?.();
  }
  const counts: Record<string, number> = {};
  for (const r of reviews) counts[r.stars] = (counts[r.stars] ?? 0) + 1;
  const report = {
    dataset: 'amazon-all-beauty-reviews (Ni, Li, McAuley 2019), reviewText only, deduplicated',
    reviews: reviews.length,
    starCounts: counts,
    positives: '4-5 stars',
    negatives: '1-2 stars',
    results: rows,
  };
  mkdirSync(values.out!, { recursive: true });
  writeFileSync(join(values.out!, 'opinion-amazon-all-beauty.json'), `${JSON.stringify(report, null, 2)}\n`);
  const md = [
    '# Opinion read from review text vs the stars given',
    '',
    `Generated by \`npx tsx eval/opinion.ts\` on ${report.dataset}: ${reviews.length} reviews (stars: ${Object.entries(
      counts,
    )
      .map(([s, n]) => `${s}★ ${n}`)
      .join(
        ', ',
      )}). The summary line is not used (it often says "Five Stars"). Figures only; the data is not redistributed.`,
    '',
    'AUC: how well polarity ranks 4-5 star reviews above 1-2 star reviews (chance 0.5). Balanced accuracy: mean of the share of 4-5 star reviews read positive (> 0) and of 1-2 star reviews read negative (< 0) (chance 0.5).',
    '',
    '| method | encoder | AUC | balanced accuracy | mean polarity 1★ / 2★ / 3★ / 4★ / 5★ |',
    '|---|---|---:|---:|---|',
    ...rows.map(
      (r) =>
        `| ${r.method} | \`${r.encoder}\` | ${r.auc.toFixed(3)} | ${r.balancedAccuracy.toFixed(3)} | ${[1, 2, 3, 4, 5].map((s) => r.meanPolarityByStars[s]!.toFixed(2)).join(' / ')} |`,
    ),
    '',
  ].join('\n');
  writeFileSync(join(values.out!, 'opinion-amazon-all-beauty.md'), md);
  console.log(md);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
