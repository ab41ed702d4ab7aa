// Tiny hand-checkable datasets for the evaluation harness's tests: order-only users over items i0, i1, ...
import {
  ORDER_ONLY_EPOCH_MS,
  ORDER_ONLY_SPACING_MS,
  type EvalUser,
  type LoadedDataset,
} from '../../eval/datasets/types.js';

export function user(id: string, items: number[]): EvalUser {
  return {
    id,
    items: Int32Array.from(items),
    times: Float64Array.from(items.map((_, k) => ORDER_ONLY_EPOCH_MS + k * ORDER_ONLY_SPACING_MS)),
    ratings: null,
    types: null,
    texts: null,
  };
}

export function toyDataset(users: EvalUser[], nItems: number): LoadedDataset {
  return {
    name: 'toy',
    items: Array.from({ length: nItems }, (_, i) => ({
      id: `i${i}`,
      title: `Item ${i}`,
      description: null,
      category: null,
      tags: [],
      brand: null,
      price: null,
    })),
    users,
    timing: 'order-only',
    syntheticSpacingMs: ORDER_ONLY_SPACING_MS,
    defaultType: 'VIEW',
    repeatsAreTargets: false,
    files: [],
    notes: [],
    stats: {},
  };
}
