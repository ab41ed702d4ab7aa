import { loadAmazonBeauty } from './amazonBeauty.js';
import { loadAmazonScientific } from './amazonScientific.js';
import { loadGeneric } from './generic.js';
import { loadMl100k } from './ml100k.js';
import { loadMl1m } from './ml1m.js';
import type { LoadedDataset } from './types.js';

export const DATASETS = ['ml-100k', 'ml-1m', 'amazon-scientific', 'generic', 'amazon-all-beauty'] as const;
export type DatasetName = (typeof DATASETS)[number];

export interface LoadOptions {
  /** ml-100k: folder with movies.dat + movies_extrainfos.dat.gz (default: sibling ../ml-1m). */
  plotsDir?: string;
  /** generic: name used in results file names. */
  name?: string;
  /**
   * 'rich' (default): the item texts of the issue (MovieLens: genres, director, cast, plot; Amazon: UniSRec text +
   * product description). 'minimal': MovieLens title + genres only; Amazon the UniSRec text only (title, categories, brand).
   */
  itemText?: 'rich' | 'minimal';
}

export function loadDataset(dataset: string, dir: string, opts: LoadOptions = {}): LoadedDataset {
  const ds = loadRaw(dataset, dir, opts);
  if (opts.itemText === 'minimal' && dataset !== 'generic' && dataset !== 'amazon-all-beauty') {
    ds.items.forEach((it, i) => (it.description = ds.minimalDescriptions?.[i] ?? null));
    ds.notes.push(
      dataset === 'amazon-scientific'
        ? 'Item text variant "minimal": the UniSRec text only (title, category path, brand), no product description.'
        : 'Item text variant "minimal": title + genres only (no director, cast or plot).',
    );
    ds.stats.itemText = 'minimal';
  } else {
    ds.stats.itemText = 'rich';
  }
  return ds;
}

function loadRaw(dataset: string, dir: string, opts: LoadOptions): LoadedDataset {
  switch (dataset) {
    case 'ml-100k':
      return loadMl100k(dir, opts.plotsDir ? { plotsDir: opts.plotsDir } : {});
    case 'ml-1m':
      return loadMl1m(dir);
    case 'amazon-scientific':
      return loadAmazonScientific(dir);
    case 'generic':
      return loadGeneric(dir, opts.name ?? 'generic');
    case 'amazon-all-beauty':
      return loadAmazonBeauty(dir);
    default:
      throw new Error(`unknown dataset "${dataset}" (one of ${DATASETS.join(', ')})`);
  }
}

export type { LoadedDataset } from './types.js';
