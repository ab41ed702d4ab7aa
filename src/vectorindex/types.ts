/** One search hit: cosine similarity (vectors are assumed unit length, so this is the dot product). */
export interface SearchHit {
  id: string;
  score: number;
}

export interface SearchQuery {
  vector: Float32Array;
  k: number;
}

/**
 * A cosine-similarity index over unit-length Float32 vectors keyed by string ids.
 * Implementations: ExactIndex (brute force over contiguous storage) and UsearchIndex (HNSW).
 */
export interface VectorIndex {
  readonly dim: number;
  readonly size: number;
  /** Insert or replace the vector stored under `id` (the vector is copied). */
  upsert(id: string, vector: Float32Array): void;
  /** Remove `id`; returns whether it was present. */
  remove(id: string): boolean;
  has(id: string): boolean;
  /**
   * The k most similar ids to `query`, best first. With `accept`, only ids for which it returns true
   * are returned, and up to k accepted results are returned whenever that many exist (approximate
   * indexes: up to their recall).
   */
  search(query: Float32Array, k: number, accept?: (id: string) => boolean): SearchHit[];
  /**
   * Several queries, each with its own k; same results as `search` per query. The exact index answers them in
   * one pass over its rows; the approximate one walks its graph per query, each as wide as its own k needs.
   */
  searchMany(queries: ReadonlyArray<SearchQuery>, accept?: (id: string) => boolean): SearchHit[][];
}
