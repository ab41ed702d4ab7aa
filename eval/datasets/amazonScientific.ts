// Amazon Industrial & Scientific (UniSRec processing): full sequences from Scientific.sequences.tsv, order only.
import { buildUsers, compactCatalogue, countEvents, countRepeats, type RawRow } from './build.js';
import { FileReader, lines } from './io.js';
import { ORDER_ONLY_SPACING_MS, type EvalItem, type LoadedDataset } from './types.js';

interface DescRow {
  item_index: number;
  item_id: string;
  unisrec_text: string;
  match: string;
  title?: string;
  description?: string;
  brand?: string;
  categories?: string;
}

export function loadAmazonScientific(dir: string): LoadedDataset {
  const r = new FileReader(dir, 'amazon-scientific');
  const text = new Map<string, string>();
  const textLines = lines(r.text('Scientific.text')!);
  for (let k = 1; k < textLines.length; k++) {
    const tab = textLines[k]!.indexOf('\t');
    if (tab > 0) text.set(textLines[k]!.slice(0, tab), textLines[k]!.slice(tab + 1).trim());
  }
  const desc = new Map<string, DescRow>();
  for (const l of lines(r.text('Scientific.item_desc.jsonl')!)) {
    const row = JSON.parse(l) as DescRow;
    desc.set(row.item_id, row);
  }
  const asinByIndex = new Map<number, string>();
  for (const l of lines(r.text('Scientific.item2index')!)) {
    const [asin, idx] = l.split('\t');
    asinByIndex.set(Number(idx), asin!);
  }
  const items: EvalItem[] = [];
  /** The UniSRec-only description (category path + brand), for --item-text minimal. */
  const minimal: Array<string | null> = [];
  const indexByAsin = new Map<string, number>();
  let withDescription = 0;
  const sortedIdx = [...asinByIndex.keys()].sort((a, b) => a - b);
  for (const idx of sortedIdx) {
    const asin = asinByIndex.get(idx)!;
    const unisrec = text.get(asin) ?? desc.get(asin)?.unisrec_text?.trim() ?? '';
    const d = desc.get(asin);
    const matched = d?.match === 'title';
    const cats =
      matched && d?.categories
        ? d.categories
            .split(',')
            .map((c) => c.trim())
            .filter(Boolean)
        : [];
    const description = matched && d?.description ? d.description.trim() : '';
    if (description) withDescription++;
    // Title: the matched product title, else the first sentence of the UniSRec text (title. categories. brand.).
    const title = matched && d?.title ? d.title.trim() : (unisrec.split('. ')[0] ?? unisrec);
    // The description field carries the rest of UniSRec's text (category path + brand) and the product description.
    const rest = unisrec.startsWith(title) ? unisrec.slice(title.length).replace(/^\.?\s*/, '') : unisrec;
    indexByAsin.set(asin, items.length);
    minimal.push(rest || null);
    items.push({
      id: asin,
      title,
      description: [rest, description].filter(Boolean).join(' ') || null,
      category: cats.length ? cats[cats.length - 1]! : null,
      tags: cats.slice(1),
      brand: matched && d?.brand ? d.brand : null,
      price: null,
    });
  }
  const rows: RawRow[] = [];
  const seq = lines(r.text('Scientific.sequences.tsv')!);
  for (let k = 1; k < seq.length; k++) {
    const [, userId, , asins] = seq[k]!.split('\t');
    const list = (asins ?? '').split(' ').filter(Boolean);
    list.forEach((asin, pos) => {
      const item = indexByAsin.get(asin);
      if (item === undefined) throw new Error(`Scientific.sequences.tsv references unknown item ${asin}`);
      rows.push({ user: userId!, item, time: pos });
    });
  }
  const users = buildUsers(rows, true);
  const minimalById = new Map(items.map((it, i) => [it.id, minimal[i] ?? null]));
  const { items: catalogue, dropped } = compactCatalogue(items, users);
  let targetInHistory = 0;
  for (const u of users) {
    const last = u.items[u.items.length - 1]!;
    if (u.items.subarray(0, u.items.length - 1).includes(last)) targetInHistory++;
  }
  return {
    name: 'amazon-scientific',
    items: catalogue,
    users,
    timing: 'order-only',
    syntheticSpacingMs: ORDER_ONLY_SPACING_MS,
    defaultType: 'PURCHASE',
    repeatsAreTargets: false,
    minimalDescriptions: catalogue.map((it) => minimalById.get(it.id) ?? null),
    files: r.files,
    notes: [
      "Order only: UniSRec's release keeps chronological order, not time.",
      `Synthetic clock: a user's consecutive events are ${ORDER_ONLY_SPACING_MS / 3_600_000} h apart, every user starting at the same instant.`,
      'Every review is fed as a PURCHASE event (the processed data has no rating or type).',
      'Item text: UniSRec text (title, category path, brand) plus the product description where the description join matched by title (richer than the frozen-BERT input of the published baselines).',
      `Protocol A (the target check): items already in the history are excluded from ranking, so ${targetInHistory} users whose test target repeats a history item cannot hit on test. This is NOT what RecBole does for sequential models (its full-sort evaluation masks nothing for them): the published UniSRec / VQ-Rec figures are protocol B, reported next to A for every baseline.`,
    ],
    stats: {
      users: users.length,
      items: catalogue.length,
      itemsWithoutInteractions: dropped,
      interactions: countEvents(users),
      itemsWithDescription: withDescription,
      repeatOccurrences: countRepeats(users),
      testTargetInHistory: targetInHistory,
    },
  };
}
