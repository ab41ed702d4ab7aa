// Amazon Review Data (2018) "All Beauty" 5-core (../shared/data/amazon-all-beauty-reviews; research use only, read in
// place, never committed): every review is a REVIEW event carrying the user's review text, at its real (day-resolution)
// time. The stars are deliberately not loaded: what the text says must reach the profile through its opinion alone.
// The release has no item metadata; an item's text is its id plus the style values (size, flavour) its reviews name.
import { gunzipSync } from 'node:zlib';
import { buildUsers, compactCatalogue, countEvents, countRepeats, type RawRow } from './build.js';
import { FileReader, lines } from './io.js';
import type { EvalItem, LoadedDataset } from './types.js';

interface Review {
  reviewerID: string;
  asin: string;
  unixReviewTime: number;
  reviewText?: string;
  style?: Record<string, string>;
}

/** Style values kept per item (most frequent first). */
const STYLE_TAGS = 6;

export function loadAmazonBeauty(dir: string): LoadedDataset {
  const r = new FileReader(dir, 'amazon-all-beauty');
  const raw = gunzipSync(r.bytes('All_Beauty_5.json.gz')!).toString('utf8');
  const seen = new Set<string>();
  const reviews: Review[] = [];
  let duplicates = 0;
  for (const l of lines(raw)) {
    if (!l.trim()) continue;
    const o = JSON.parse(l) as Review;
    // DATA.md: 1,053 rows repeat an earlier row exactly (same user, item, time, text).
    const key = `${o.reviewerID}\u0000${o.asin}\u0000${o.unixReviewTime}\u0000${o.reviewText ?? ''}`;
    if (seen.has(key)) {
      duplicates++;
      continue;
    }
    seen.add(key);
    reviews.push(o);
  }
  const indexByAsin = new Map<string, number>();
  const styles: Array<Map<string, number>> = [];
  for (const o of reviews) {
    let i = indexByAsin.get(o.asin);
    if (i === undefined) {
      indexByAsin.set(o.asin, (i = styles.length));
      styles.push(new Map());
    }
    for (const [k, v] of Object.entries(o.style ?? {})) {
      const tag = `${k.replace(/:$/, '').trim()} ${v.trim()}`;
      styles[i]!.set(tag, (styles[i]!.get(tag) ?? 0) + 1);
    }
  }
  const items: EvalItem[] = [...indexByAsin.keys()].map((asin, i) => {
    const tags = [...styles[i]!.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, STYLE_TAGS)
      .map(([t]) => t);
    return {
      id: asin,
      title: `Beauty product ${asin}`,
      description: tags.length ? tags.join('; ') : null,
      category: 'All Beauty',
      tags,
      brand: null,
      price: null,
    };
  });
  const rows: RawRow[] = reviews.map((o) => ({
    user: o.reviewerID,
    item: indexByAsin.get(o.asin)!,
    time: o.unixReviewTime * 1000,
    type: 'REVIEW',
    text: o.reviewText?.trim() || null,
  }));
  const users = buildUsers(rows, false);
  const { items: catalogue, dropped } = compactCatalogue(items, users);
  const withText = rows.filter((x) => x.text).length;
  return {
    name: 'amazon-all-beauty',
    items: catalogue,
    users,
    timing: 'timestamps',
    syntheticSpacingMs: null,
    defaultType: 'REVIEW',
    repeatsAreTargets: false,
    files: r.files,
    notes: [
      `${duplicates} exact duplicate rows dropped (DATA.md).`,
      'Every review is a REVIEW event with its text; stars are not loaded. Item text: id + style values (no metadata).',
      'Day-resolution timestamps: same-day ties keep the file order. 85 items, one in a third of the reviews: popularity dominates (DATA.md: not a ranking benchmark).',
    ],
    stats: {
      users: users.length,
      items: catalogue.length,
      itemsWithoutInteractions: dropped,
      interactions: countEvents(users),
      interactionsWithText: withText,
      duplicatesDropped: duplicates,
      repeatOccurrences: countRepeats(users),
    },
  };
}
