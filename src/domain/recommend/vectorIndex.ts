// The vector index as the recommender needs it: a port the domain declares and src/vectorindex implements.

/** One search hit: cosine similarity (vectors are assumed unit length, so this is the dot product). */
export interface SearchHit {
  id: string;
  score: number;
}

export interface SearchQuery {
  vector: Float32Array;
  k: number;
}

/** A cosine-similarity index over unit-length Float32 vectors keyed by string ids. */
export interface VectorIndex {
  readonly dim: number;
  readonly size: number;
  /** Insert or replace the vector stored under `id` (the vector is copied). */
  upsert(id: string, vector: Float32Array): void;
  /** Bulk insert of ids not yet present (may build faster than upserting one by one; existing ids are upserted). */
  addMany(entries: Array<[string, Float32Array]>): void;
  /** Remove `id`; returns whether it was present. */
  remove(id: string): boolean;
  has(id: string): boolean;
  /**
   * The k most similar ids to `query`, best first. With `accept`, only ids for which it returns true
   * are returned, and up to k accepted results are returned whenever that many exist (approximate
   * indexes: up to their recall).
   */
  search(query: Float32Array, k: number, accept?: (id: string) => boolean): SearchHit[];
  /** Several queries, each with its own k; same results as `search` per query. */
  searchMany(queries: ReadonlyArray<SearchQuery>, accept?: (id: string) => boolean): SearchHit[][];
  /** Whether removals have degraded the index enough that its owner should `rebuild` it from its vectors. */
  needsRebuild(): boolean;
  /** Drop the index's contents and build it afresh from `entries` (the owner's stored vectors). */
  rebuild(entries: Iterable<[string, Float32Array]>): void;
  /**
   * The index's own saved form, where building it again from the vectors is slow (an approximate graph); null where
   * it is not worth saving (exact). A consistent copy as of now (snapshots).
   */
  save?(): Uint8Array | null;
  /** Whether `save` would return a graph now (an approximate index), known without saving. */
  readonly savesGraph?: boolean;
  /** Replaces the contents with what `save` returned; the ids it now holds, or null when it cannot (then unchanged). */
  load?(saved: Uint8Array): string[] | null;
}
