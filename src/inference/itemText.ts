// The one item text template: what the encoder sees for an item. Change it here and re-embed.
export interface ItemTextInput {
  title: string;
  description?: string | null;
  category?: string | null;
  tags?: string[] | null;
  brand?: string | null;
}

/** Longest description kept, in characters (about 100-150 word pieces); cut at a word boundary. */
export const MAX_DESCRIPTION_CHARS = 600;

function clean(s: string | null | undefined): string {
  return (s ?? '').replace(/\s+/g, ' ').trim();
}

export function truncateAtWord(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.lastIndexOf(' ', max);
  return `${s.slice(0, cut > max / 2 ? cut : max).replace(/[\s,;:.-]+$/, '')}…`;
}

/**
 * "{title}. Category: {category}. Tags: {t1, t2}. Brand: {brand}. {description}" — empty parts left out,
 * description truncated to MAX_DESCRIPTION_CHARS at a word boundary.
 */
export function itemText(item: ItemTextInput): string {
  const parts: string[] = [];
  const title = clean(item.title);
  if (title) parts.push(title.replace(/[.]+$/, ''));
  const category = clean(item.category);
  if (category) parts.push(`Category: ${category}`);
  const tags = (item.tags ?? []).map(clean).filter(Boolean);
  if (tags.length) parts.push(`Tags: ${tags.join(', ')}`);
  const brand = clean(item.brand);
  if (brand) parts.push(`Brand: ${brand}`);
  const head = parts.length ? `${parts.join('. ')}.` : '';
  const desc = truncateAtWord(clean(item.description), MAX_DESCRIPTION_CHARS);
  return [head, desc].filter(Boolean).join(' ');
}
