// MovieLens 1M: ratings_chronological.csv.gz (per-user order, no wall-clock time), movies.dat (latin-1), plots by MovieID.
import { buildUsers, compactCatalogue, countEvents, type RawRow } from './build.js';
import { FileReader, lines } from './io.js';
import { movieDescription, parseExtraInfos } from './movielensText.js';
import { ORDER_ONLY_SPACING_MS, type EvalItem, type LoadedDataset } from './types.js';

export function loadMl1m(dir: string): LoadedDataset {
  const r = new FileReader(dir, 'ml-1m');
  const extras = parseExtraInfos(r.text('movies_extrainfos.dat.gz', 'utf8', false) ?? '');
  const items: EvalItem[] = [];
  const idToIndex = new Map<string, number>();
  let withPlot = 0;
  for (const l of lines(r.text('movies.dat', 'latin1')!)) {
    const [id, title, genreField] = l.split('::');
    if (!id || !title) continue;
    const genres = (genreField ?? '').split('|').filter(Boolean);
    const extra = extras.get(Number(id));
    if (extra?.plot) withPlot++;
    idToIndex.set(id, items.length);
    items.push({
      id,
      title: title.trim(),
      description: movieDescription(genres, extra),
      category: genres[0] ?? null,
      tags: genres,
      brand: null,
      price: null,
    });
  }
  const rows: RawRow[] = [];
  const csv = lines(r.text('ratings_chronological.csv.gz')!);
  if (csv[0]?.trim() !== 'user_id,movie_id,rating,seq_index')
    throw new Error(`unexpected header in ratings_chronological.csv.gz: ${csv[0]}`);
  for (let k = 1; k < csv.length; k++) {
    const [u, m, rating, seq] = csv[k]!.split(',');
    const item = idToIndex.get(m!);
    if (item === undefined) throw new Error(`ratings reference unknown movie ${m}`);
    rows.push({ user: u!, item, time: Number(seq), rating: Number(rating) });
  }
  const users = buildUsers(rows, true);
  const { items: catalogue, dropped } = compactCatalogue(items, users);
  return {
    name: 'ml-1m',
    items: catalogue,
    users,
    timing: 'order-only',
    syntheticSpacingMs: ORDER_ONLY_SPACING_MS,
    defaultType: 'RATE',
    repeatsAreTargets: false,
    files: r.files,
    notes: [
      "Order only: ratings_chronological.csv.gz gives each user's chronological position, not the time; same-second ties are in the arbitrary order of the BERT4Rec-VAE preprocessing.",
      `Synthetic clock: a user's consecutive events are ${ORDER_ONLY_SPACING_MS / 3_600_000} h apart, every user starting at the same instant.`,
      `Catalogue: the ${catalogue.length} rated movies (${dropped} of movies.dat never rated are left out, as in the published protocol); ${withPlot} movies in movies.dat have a plot.`,
    ],
    stats: {
      users: users.length,
      items: catalogue.length,
      itemsWithoutInteractions: dropped,
      interactions: countEvents(users),
      moviesWithPlot: withPlot,
    },
  };
}
