// The recommendable items: features and unit vectors, a dense id list for random sampling, the vector index,
// and which items are brand-new arrivals (upserted after behaviour data existed, untouched since).
import type { ItemFeatures } from '../types.js';
import type { VectorIndex } from './vectorIndex.js';
import { unitOrNull } from './vectors.js';

export type ModelItem = ItemFeatures & { vector: Float32Array | null };

export class Catalogue {
  private readonly items = new Map<string, ModelItem>();
  /** Dense list of item ids for O(1) random sampling (swap-remove). */
  private readonly itemIds: string[] = [];
  private readonly itemSlot = new Map<string, number>();
  /** While restoring a saved index: the ids it holds that the catalogue load has not reached yet. */
  private restoring: Set<string> | null = null;
  /** Items upserted after behaviour data existed and not touched since: brand-new arrivals (cold-item boost). */
  readonly fresh = new Set<string>();

  constructor(
    readonly dim: number,
    readonly index: VectorIndex,
    /** Told of every item upserted or removed (caches of catalogue entries forget it). */
    private readonly changed: (id: string) => void = () => {},
  ) {
    if (index.dim !== dim) throw new Error(`RecommenderModel: index dim ${index.dim} != ${dim}`);
  }

  get size(): number {
    return this.items.size;
  }

  get(id: string): ModelItem | undefined {
    return this.items.get(id);
  }

  has(id: string): boolean {
    return this.items.has(id);
  }

  title(id: string): string {
    return this.items.get(id)?.title ?? id;
  }

  /** The dense id list (for seeded random picks); do not modify. */
  get ids(): readonly string[] {
    return this.itemIds;
  }

  /**
   * Add or replace an item; recommendable at once through its content vector (null vector: behaviour sources
   * only). `isArrival(id)` is asked for ids not yet in the catalogue: true marks the item fresh.
   */
  upsert(item: ModelItem, isArrival: (id: string) => boolean): void {
    const vector = unitOrNull(item.vector, this.dim);
    this.put(item, vector, isArrival);
    if (vector) this.index.upsert(item.id, vector);
    else this.index.remove(item.id);
  }

  /** Bulk upsert (server start, re-embedding): the index's bulk build when every id is new to it. */
  upsertMany(items: Iterable<ModelItem>, isArrival: (id: string) => boolean): void {
    const batch: Array<[string, Float32Array]> = [];
    for (const item of items) {
      const vector = unitOrNull(item.vector, this.dim);
      this.put(item, vector, isArrival);
      // A restored index holds the vector as of its snapshot; later changes are replayed from the change log.
      if (vector && this.restoring?.delete(item.id)) continue;
      if (vector) batch.push([item.id, vector]);
      else this.index.remove(item.id);
    }
    if (batch.every(([id]) => !this.index.has(id))) this.index.addMany(batch);
    else for (const [id, v] of batch) this.index.upsert(id, v);
  }

  private put(item: ModelItem, vector: Float32Array | null, isArrival: (id: string) => boolean): void {
    const { id } = item;
    if (!this.itemSlot.has(id)) {
      if (isArrival(id)) this.fresh.add(id);
      this.itemSlot.set(id, this.itemIds.length);
      this.itemIds.push(id);
    }
    const { title, category, tags, brand, price } = item;
    this.items.set(id, { id, title, category, tags, brand, price, vector });
    this.changed(id);
  }

  /** Loads a saved index before the catalogue is loaded (which then skips the vectors it holds); false: unusable. */
  restoreIndex(saved: Uint8Array): boolean {
    if (this.items.size) throw new Error('Catalogue.restoreIndex: the catalogue is already loaded');
    const ids = this.index.load?.(saved) ?? null;
    this.restoring = ids && new Set(ids);
    return ids !== null;
  }

  /** After the catalogue load: ids the saved index held that are no longer items with vectors leave it. */
  finishIndexRestore(): number {
    const gone = this.restoring ?? new Set<string>();
    this.restoring = null;
    for (const id of gone) this.index.remove(id);
    return gone.size;
  }

  /** An event touched the item: it is no longer a brand-new arrival. */
  touched(id: string): void {
    if (this.fresh.size) this.fresh.delete(id);
  }

  /** Remove an item and its vector (rebuilding the index when it asks for it); false when it was not there. */
  remove(id: string): boolean {
    if (!this.items.delete(id)) return false;
    this.changed(id);
    this.index.remove(id);
    const slot = this.itemSlot.get(id)!;
    const last = this.itemIds.pop()!;
    if (last !== id) {
      this.itemIds[slot] = last;
      this.itemSlot.set(last, slot);
    }
    this.itemSlot.delete(id);
    this.fresh.delete(id);
    if (this.index.needsRebuild()) this.index.rebuild(this.vectorEntries());
    return true;
  }

  private *vectorEntries(): IterableIterator<[string, Float32Array]> {
    for (const item of this.items.values()) if (item.vector) yield [item.id, item.vector];
  }
}
