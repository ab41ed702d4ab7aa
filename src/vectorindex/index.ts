export type { SearchHit, SearchQuery, VectorIndex } from './types.js';
export { ExactIndex } from './exact.js';
export { UsearchIndex, type UsearchOptions } from './usearch.js';
export {
  AutoIndex,
  createVectorIndex,
  measureRecall,
  DEFAULT_EXACT_LIMIT,
  type VectorIndexKind,
  type VectorIndexOptions,
} from './factory.js';
export { TopK } from './heap.js';
