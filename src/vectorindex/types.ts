// The index contract is the recommender's port (src/domain/recommend/vectorIndex.ts); this package implements it.
export type { SearchHit, SearchQuery, VectorIndex } from '../domain/recommend/vectorIndex.js';
