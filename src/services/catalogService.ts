// Items: validated, encoded in batches through the one EncoderService, stored, and kept in the in-memory
// recommender (index + features) so a new item is recommendable the moment it is upserted.
import type { RecommenderModel } from '../domain/recommend/index.js';
import type { EventContext, ItemFeatures } from '../domain/types.js';
import type { EncoderService } from '../inference/encoderService.js';
import { itemText } from '../inference/itemText.js';
import type { Limits } from '../config.js';
import type { CatalogChangeRow, ItemRow, ItemWrite, Store } from '../store/types.js';
import type { CountedPage } from './userService.js';
import { checkBatch, checkId, validateItem, type ItemInputData } from './validation.js';

interface Deps {
  store: Store;
  encoder: EncoderService;
  model: RecommenderModel;
  limits: Limits;
  log: (msg: string) => void;
}

export function itemFeatures(
  row: Pick<ItemRow, 'id' | 'title' | 'category' | 'tags' | 'brand' | 'price'>,
): ItemFeatures {
  return { id: row.id, title: row.title, category: row.category, tags: row.tags, brand: row.brand, price: row.price };
}

export interface ItemInteractions {
  total: number;
  users: number;
  byType: Array<{ type: string; count: number }>;
}

export interface ReembedProgress {
  done: number;
  total: number;
}

export class CatalogService {
  /** Items whose stored vector came from another encoder; re-embedding clears this. */
  private staleCount = 0;
  /** After a catalogue write commits: the log follower catches up and wakes the other replicas. */
  onChange: () => Promise<void> = () => Promise.resolve();

  constructor(private readonly deps: Deps) {}

  /** Whether this process's recommender holds the item (another process may have added it since start). */
  isLoaded(itemId: string): boolean {
    return this.deps.model.getItem(itemId) !== undefined;
  }

  eventContext(itemId: string | null): Omit<EventContext, 'textVector'> {
    const item = itemId === null ? undefined : this.deps.model.getItem(itemId);
    if (!item) return { item: null, itemVector: null };
    return { item: itemFeatures(item), itemVector: item.vector };
  }

  itemsByIds(ids: readonly string[]): Promise<Array<ItemRow | null>> {
    return this.deps.store.itemsByIds(ids);
  }

  /** Who interacts with an item, as counts only: events per behaviour type and distinct users (no user ids). */
  async interactions(itemId: string): Promise<ItemInteractions> {
    const { byType, users } = await this.deps.store.itemBehaviorCounts(itemId);
    return { total: byType.reduce((n, t) => n + t.count, 0), users, byType };
  }

  /** A page of the catalogue in id order, optionally one category. */
  async listItems(first: number, after: string | null, category: string | null): Promise<CountedPage<ItemRow>> {
    const [page, totalCount] = await Promise.all([
      this.deps.store.listItems(first, after, category),
      this.deps.store.countItems(category),
    ]);
    return { ...page, totalCount };
  }

  async upsertItems(inputs: ItemInputData[]): Promise<ItemRow[]> {
    const valid = inputs.map((input, i) => validateItem(input, this.deps.limits, `items[${i}]`));
    const { encoder } = this.deps;
    const vectors = await encoder.encodeMany(
      valid.map((v) => itemText(v)),
      'passage',
    );
    const writes: ItemWrite[] = valid.map((v, i) => ({ ...v, embedding: vectors[i]!, encoderId: encoder.encoder.id }));
    await this.deps.store.upsertItems(writes);
    this.deps.model.upsertItems(writes.map((w) => ({ ...itemFeatures(w), vector: w.embedding })));
    await this.onChange();
    const rows = await this.deps.store.itemsByIds(writes.map((w) => w.id));
    return rows.filter((r): r is ItemRow => r !== null);
  }

  /** Applies entries of the catalogue's change log (LogFollower): the last change of each item wins. */
  async applyChanges(changes: readonly CatalogChangeRow[]): Promise<void> {
    const last = new Map<string, boolean>();
    for (const c of changes) {
      last.delete(c.itemId);
      last.set(c.itemId, c.deleted);
    }
    const upserted = [...last].filter(([, deleted]) => !deleted).map(([id]) => id);
    for (const [id, deleted] of last) if (deleted && this.deps.model.getItem(id)) this.deps.model.removeItem(id);
    for (let i = 0; i < upserted.length; i += 1000) await this.loadItems(upserted.slice(i, i + 1000));
  }

  /** Deletes items from the catalogue and the index at once; events about them stay in the log. */
  async deleteItems(ids: string[]): Promise<string[]> {
    checkBatch('ids', ids, this.deps.limits);
    ids.forEach((id, i) => checkId(`ids[${i}]`, id, this.deps.limits));
    const deleted = await this.deps.store.deleteItems(ids);
    for (const id of deleted) this.deps.model.removeItem(id);
    await this.onChange();
    return deleted;
  }

  /**
   * Loads items from the store into the in-memory model: those another server process upserted after this one
   * started. (Their vectors are used when they come from this process's encoder.)
   */
  async loadItems(ids: string[]): Promise<void> {
    const encoder = this.deps.encoder.encoder;
    const rows = (await this.deps.store.itemsByIds(ids)).filter((r): r is ItemRow => r !== null);
    this.deps.model.upsertItems(
      rows.map((row) => ({
        ...itemFeatures(row),
        vector: row.encoderId === encoder.id && row.embedding?.length === encoder.dim ? row.embedding : null,
      })),
    );
  }

  /** Fills the in-memory model from the store at start. Vectors from another encoder are left out until re-embedded. */
  async loadAll(): Promise<{ items: number; stale: number }> {
    const encoderId = this.deps.encoder.encoder.id;
    let items = 0;
    let stale = 0;
    for await (const page of this.deps.store.iterateItemVectors()) {
      // Bulk insert: the approximate index builds a page at once, multi-threaded.
      this.deps.model.upsertItems(
        page.map((row) => {
          const fresh =
            row.encoderId === encoderId &&
            row.embedding !== null &&
            row.embedding.length === this.deps.encoder.encoder.dim;
          if (!fresh) stale++;
          return { ...itemFeatures(row), vector: fresh ? row.embedding : null };
        }),
      );
      items += page.length;
    }
    this.staleCount = stale;
    return { items, stale };
  }

  get staleItems(): number {
    return this.staleCount;
  }

  /**
   * Re-embeds every item whose vector came from another encoder (or none), in batches; safe to stop and re-run,
   * because each batch is committed with the new encoder id and the work list is "items not on this encoder".
   */
  async reembed(onProgress: (p: ReembedProgress) => void = () => {}, batchSize = 256): Promise<number> {
    const { store, encoder, model } = this.deps;
    const encoderId = encoder.encoder.id;
    let done = 0;
    const total = this.staleCount || (await store.countItems(null));
    for (;;) {
      const batch = await store.itemsNeedingEmbedding(encoderId, batchSize);
      if (!batch.length) break;
      const vectors = await encoder.encodeMany(
        batch.map((r) => itemText(r)),
        'passage',
      );
      await store.setItemEmbeddings(batch.map((r, i) => ({ id: r.id, embedding: vectors[i]!, encoderId })));
      batch.forEach((r, i) => model.upsertItem({ ...itemFeatures(r), vector: vectors[i]! }));
      done += batch.length;
      this.staleCount = Math.max(0, this.staleCount - batch.length);
      onProgress({ done, total: Math.max(total, done) });
    }
    return done;
  }
}
