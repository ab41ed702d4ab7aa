// The benchmarks' large catalogues: real item texts of Amazon Scientific (4,385 products) and MovieLens-1M (3,883
// films, with plots) as the base; item k is base item (k mod N) with the variant number in its title and, from the
// second copy on, the first sentence of another base item of the same category appended to its description, so
// copies are near but not identical neighbours.
import path from 'node:path';
import { loadDataset } from '../eval/datasets/index.js';
import type { EvalItem } from '../eval/datasets/types.js';
import { mulberry32 } from '../src/domain/recommend/random.js';
import { SHARED_DATA_DIR } from './common.js';

export const VARIANT_CATALOGUE =
  'real item texts of Amazon Scientific and MovieLens-1M (with plots); item k = base item k mod N, variant number in the title, and from the second copy on the first sentence of another item of the same category appended (near, not identical, neighbours)';

let base: EvalItem[] | null = null;
let byCategory: Map<string, EvalItem[]> | null = null;

/** `size` items v0..v{size-1}, deterministic for a size. */
export function variantCatalogue(size: number) {
  base ??= [
    ...loadDataset('amazon-scientific', path.join(SHARED_DATA_DIR, 'amazon-scientific')).items,
    ...loadDataset('ml-1m', path.join(SHARED_DATA_DIR, 'ml-1m')).items.map((i) => ({ ...i, id: `ml-${i.id}` })),
  ];
  if (!byCategory) {
    byCategory = new Map();
    for (const it of base) byCategory.set(it.category ?? '', [...(byCategory.get(it.category ?? '') ?? []), it]);
  }
  const items = base;
  const peersOf = byCategory;
  const rand = mulberry32(size);
  return Array.from({ length: size }, (_, k) => {
    const it = items[k % items.length]!;
    const copy = Math.floor(k / items.length);
    const peers = peersOf.get(it.category ?? '')!;
    const other = peers[Math.floor(rand() * peers.length)]!;
    const extra = copy > 0 ? ` ${(other.description ?? other.title).split(/(?<=\.)\s/)[0]}` : '';
    return {
      id: `v${k}`,
      title: copy > 0 ? `${it.title} (variant ${copy})` : it.title,
      description: `${it.description ?? ''}${extra}`.trim() || null,
      category: it.category,
      tags: it.tags.slice(0, 10),
      brand: it.brand,
      price: it.price,
    };
  });
}
