// The generic format any user can convert their data to (documented in eval/README.md):
//   <dir>/interactions.csv | interactions.jsonl : user, item, timestamp | order [, rating, type, text]
//   <dir>/items.jsonl                            : {"id","title","description","category","tags","brand","price"}
import { BEHAVIOR_TYPES, type BehaviorType } from '../../src/domain/types.js';
import { buildUsers, compactCatalogue, countEvents, countRepeats, type RawRow } from './build.js';
import { FileReader, lines } from './io.js';
import { ORDER_ONLY_SPACING_MS, type EvalItem, type LoadedDataset } from './types.js';

/** RFC 4180 CSV: quoted fields, doubled quotes, commas and newlines inside quotes. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      field = '';
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Numbers below 1e11 are unix seconds, larger ones epoch milliseconds; strings are ISO 8601. */
export function parseTimestamp(v: unknown): number {
  if (typeof v === 'number') return v < 1e11 ? v * 1000 : v;
  const s = String(v).trim();
  if (/^-?\d+(\.\d+)?$/.test(s)) return parseTimestamp(Number(s));
  const t = Date.parse(s);
  if (Number.isNaN(t)) throw new Error(`unparseable timestamp "${s}"`);
  return t;
}

export function loadGeneric(dir: string, name = 'generic'): LoadedDataset {
  const r = new FileReader(dir, name);
  const items: EvalItem[] = [];
  const idToIndex = new Map<string, number>();
  for (const l of lines(r.text('items.jsonl')!)) {
    if (!l.trim()) continue;
    const o = JSON.parse(l) as Record<string, unknown>;
    if (o.id === undefined || o.id === null) throw new Error(`items.jsonl: an item has no "id": ${l.slice(0, 120)}`);
    const id = String(o.id);
    if (idToIndex.has(id)) continue;
    idToIndex.set(id, items.length);
    items.push({
      id,
      title: String(o.title ?? id),
      description: o.description == null ? null : String(o.description),
      category: o.category == null ? null : String(o.category),
      tags: Array.isArray(o.tags)
        ? o.tags.map(String)
        : typeof o.tags === 'string'
          ? o.tags
              .split(/[|,]/)
              .map((t) => t.trim())
              .filter(Boolean)
          : [],
      brand: o.brand == null ? null : String(o.brand),
      price: o.price == null || o.price === '' ? null : Number(o.price),
    });
  }

  let records: Record<string, unknown>[];
  if (r.has('interactions.jsonl')) {
    records = lines(r.text('interactions.jsonl')!)
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  } else if (r.has('interactions.csv')) {
    const table = parseCsv(r.text('interactions.csv')!);
    const header = (table.shift() ?? []).map((h) => h.trim().toLowerCase());
    records = table.map((cells) => Object.fromEntries(header.map((h, k) => [h, cells[k] ?? ''])));
  } else {
    r.bytes('interactions.csv'); // throws the missing-file message
    records = [];
  }
  if (!records.length) throw new Error(`${dir}: no interactions`);
  const first = records[0]!;
  const orderOnly = !('timestamp' in first) && 'order' in first;
  if (!orderOnly && !('timestamp' in first))
    throw new Error(`${dir}: interactions need a "timestamp" or an "order" column`);

  const rows: RawRow[] = [];
  let unknownItems = 0;
  for (const o of records) {
    const item = idToIndex.get(String(o.item));
    if (item === undefined) {
      unknownItems++;
      continue;
    }
    const type = o.type ? (String(o.type).toUpperCase() as BehaviorType) : undefined;
    if (type && !BEHAVIOR_TYPES.includes(type))
      throw new Error(`unknown behaviour type "${String(o.type)}" (one of ${BEHAVIOR_TYPES.join(', ')})`);
    const rating = o.rating === undefined || o.rating === '' || o.rating === null ? undefined : Number(o.rating);
    rows.push({
      user: String(o.user),
      item,
      time: orderOnly ? Number(o.order) : parseTimestamp(o.timestamp),
      ...(rating !== undefined ? { rating } : {}),
      ...(type ? { type } : {}),
      text: o.text ? String(o.text) : null,
    });
  }
  const users = buildUsers(rows, orderOnly);
  const { items: catalogue, dropped } = compactCatalogue(items, users);
  const notes: string[] = [];
  if (orderOnly)
    notes.push(`Order only: synthetic clock, consecutive events ${ORDER_ONLY_SPACING_MS / 3_600_000} h apart.`);
  if (unknownItems) notes.push(`${unknownItems} interactions name items missing from items.jsonl and were skipped.`);
  return {
    name,
    items: catalogue,
    users,
    timing: orderOnly ? 'order-only' : 'timestamps',
    syntheticSpacingMs: orderOnly ? ORDER_ONLY_SPACING_MS : null,
    defaultType: 'VIEW',
    repeatsAreTargets: false,
    files: r.files,
    notes,
    stats: {
      users: users.length,
      items: catalogue.length,
      itemsWithoutInteractions: dropped,
      interactions: countEvents(users),
      repeatOccurrences: countRepeats(users),
      unknownItems,
    },
  };
}
