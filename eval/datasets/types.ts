// Shared shapes of an evaluation dataset, independent of where it came from.
import type { BehaviorType } from '../../src/domain/types.js';
import type { ItemRow } from '../../src/store/types.js';

/** An item as the harness upserts it: the catalogue fields the store keeps for an item. */
export type EvalItem = Pick<ItemRow, 'id' | 'title' | 'description' | 'category' | 'tags' | 'brand' | 'price'>;

/** One user's interactions, already in time order (oldest first), stored as parallel typed arrays. */
export interface EvalUser {
  id: string;
  /** Index into LoadedDataset.items. */
  items: Int32Array;
  /** Event time, epoch milliseconds (synthetic for order-only datasets, see LoadedDataset.timing). */
  times: Float64Array;
  /** Star rating per event, NaN when the dataset has none. */
  ratings: Float32Array | null;
  /** Behaviour type per event (index into BEHAVIOR_TYPES); null means every event is LoadedDataset.defaultType. */
  types: Uint8Array | null;
  /** Per-event text (reviews), null when none. */
  texts: (string | null)[] | null;
}

export interface DatasetFile {
  path: string;
  bytes: number;
  sha256: string;
}

export interface LoadedDataset {
  name: string;
  items: EvalItem[];
  users: EvalUser[];
  /** 'timestamps': real wall-clock times; 'order-only': synthetic times at syntheticSpacingMs. */
  timing: 'timestamps' | 'order-only';
  syntheticSpacingMs: number | null;
  /** Behaviour type used for every event when EvalUser.types is null. */
  defaultType: BehaviorType;
  /** True only when the dataset's documentation says an item already in the history can be the target. */
  repeatsAreTargets: boolean;
  files: DatasetFile[];
  /** Descriptions for --item-text minimal where the loader has them (Amazon: UniSRec text only); MovieLens uses none. */
  minimalDescriptions?: Array<string | null>;
  /** Free-form facts reported next to the figures (join rates, counts, caveats). */
  notes: string[];
  stats: Record<string, number | string>;
}

/** Synthetic spacing for order-only datasets: one hour between a user's consecutive events. */
export const ORDER_ONLY_SPACING_MS = 3_600_000;
/** Synthetic clock origin for order-only datasets: every user's first event is at this instant (2020-01-01T00:00:00Z). */
export const ORDER_ONLY_EPOCH_MS = Date.UTC(2020, 0, 1);
