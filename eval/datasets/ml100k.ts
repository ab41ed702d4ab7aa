// MovieLens 100K: u.data (real unix timestamps), u.item (latin-1), plots joined from ml-1m/movies_extrainfos.dat.gz.
import { resolve } from 'node:path';
import { buildUsers, compactCatalogue, countEvents, type RawRow } from './build.js';
import { FileReader, lines } from './io.js';
import { movieDescription, normalizeTitle, parseExtraInfos, splitTitleYear, type MovieExtra } from './movielensText.js';
import type { EvalItem, LoadedDataset } from './types.js';

export interface Ml100kOptions {
  /** Folder of ML-1M holding movies.dat and movies_extrainfos.dat.gz (default: sibling `../ml-1m`). Missing = no plots. */
  plotsDir?: string;
}

export function loadMl100k(dir: string, opts: Ml100kOptions = {}): LoadedDataset {
  const r = new FileReader(dir, 'ml-100k');
  const genreNames = lines(r.text('u.genre')!)
    .filter((l) => l.includes('|'))
    .map((l) => l.split('|'))
    .sort((a, b) => Number(a[1]) - Number(b[1]))
    .map((p) => p[0]!);

  // Plot join: ML-100K title+year -> ML-1M movies.dat (same naming) -> MovieID -> extrainfos; else normalised title+year against extrainfos.
  const plotsDir = resolve(opts.plotsDir ?? resolve(dir, '../ml-1m'));
  const notes: string[] = [];
  let extras = new Map<number, MovieExtra>();
  const byMl1mTitle = new Map<string, number>();
  const byNormTitle = new Map<string, number>();
  const pr = safeReader(plotsDir);
  if (pr && pr.has('movies_extrainfos.dat.gz')) {
    extras = parseExtraInfos(pr.text('movies_extrainfos.dat.gz')!);
    const movies = pr.text('movies.dat', 'latin1', false);
    if (movies) {
      for (const l of lines(movies)) {
        const [id, title] = l.split('::');
        if (id && title) byMl1mTitle.set(title.trim(), Number(id));
      }
    }
    for (const e of extras.values()) byNormTitle.set(`${normalizeTitle(e.title)}|${e.year}`, e.movieId);
  } else {
    notes.push(`No plots: ${plotsDir}/movies_extrainfos.dat.gz not found, item text is title + genres only.`);
  }

  const items: EvalItem[] = [];
  const idToIndex = new Map<string, number>();
  let matched = 0;
  let matchedWithPlot = 0;
  for (const l of lines(r.text('u.item', 'latin1')!)) {
    const f = l.split('|');
    if (f.length < 24) continue;
    const id = f[0]!;
    const fullTitle = f[1]!.trim();
    const genres = f.slice(5, 24).flatMap((flag, g) => (flag === '1' ? [genreNames[g] ?? `genre${g}`] : []));
    const { title, year } = splitTitleYear(fullTitle);
    let extra: MovieExtra | undefined;
    const viaMl1m = byMl1mTitle.get(fullTitle);
    if (viaMl1m !== undefined) extra = extras.get(viaMl1m);
    if (!extra) {
      const mid = byNormTitle.get(`${normalizeTitle(title)}|${year}`);
      if (mid !== undefined) extra = extras.get(mid);
    }
    if (extra) {
      matched++;
      if (extra.plot) matchedWithPlot++;
    }
    idToIndex.set(id, items.length);
    items.push({
      id,
      title: fullTitle,
      description: movieDescription(genres, extra),
      category: genres[0] ?? null,
      tags: genres,
      brand: null,
      price: null,
    });
  }
  const catalogueSize = items.length;

  const rows: RawRow[] = [];
  for (const l of lines(r.text('u.data')!)) {
    const [u, i, rating, ts] = l.split('\t');
    const item = idToIndex.get(i!);
    if (item === undefined) throw new Error(`u.data references unknown item ${i}`);
    rows.push({ user: u!, item, time: Number(ts) * 1000, rating: Number(rating) });
  }
  const users = buildUsers(rows, false);
  const { items: catalogue, dropped } = compactCatalogue(items, users);
  const matchRate = catalogueSize ? matched / catalogueSize : 0;
  if (extras.size) {
    notes.push(
      `Plot join (title + year, via ML-1M movies.dat titles, then normalised titles): ${matched}/${catalogueSize} ML-100K movies matched ` +
        `(${(100 * matchRate).toFixed(1)}%), ${matchedWithPlot} of them with a non-empty plot; unmatched movies have title + genres only.`,
    );
  }
  return {
    name: 'ml-100k',
    items: catalogue,
    users,
    timing: 'timestamps',
    syntheticSpacingMs: null,
    defaultType: 'RATE',
    repeatsAreTargets: false,
    files: [...r.files, ...(pr?.files ?? [])],
    notes,
    stats: {
      users: users.length,
      items: catalogue.length,
      itemsWithoutInteractions: dropped,
      interactions: countEvents(users),
      plotMatched: matched,
      plotMatchedWithPlot: matchedWithPlot,
      plotMatchRate: Number(matchRate.toFixed(4)),
    },
  };
}

function safeReader(dir: string): FileReader | null {
  try {
    return new FileReader(dir, 'ml-1m');
  } catch {
    return null;
  }
}
