import { loadAmazonScientific } from './amazonScientific.js';
import { loadGeneric } from './generic.js';
import { loadMl100k } from './ml100k.js';
import { loadMl1m } from './ml1m.js';
import type { LoadedDataset } from './types.js';

export const DATASETS = ['ml-100k', 'ml-1m', 'amazon-scientific', 'generic'] as const;
export type DatasetName = (typeof DATASETS)[number];

export interface LoadOptions {
  /** ml-100k: folder with movies.dat + movies_extrainfos.dat.gz (default: sibling ../ml-1m). */
  plotsDir?: string;
  /** generic: name used in results file names. */
  name?: string;
}

export function loadDataset(dataset: string, dir: string, opts: LoadOptions = {}): LoadedDataset {
  switch (dataset) {
    case 'ml-100k':
      return loadMl100k(dir, opts.plotsDir ? { plotsDir: opts.plotsDir } : {});
    case 'ml-1m':
      return loadMl1m(dir);
    case 'amazon-scientific':
      return loadAmazonScientific(dir);
    case 'generic':
      return loadGeneric(dir, opts.name ?? 'generic');
    default:
      throw new Error(`unknown dataset "${dataset}" (one of ${DATASETS.join(', ')})`);
  }
}

export type { LoadedDataset } from './types.js';
