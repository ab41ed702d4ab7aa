// MovieLens plots (MeLU's movies_extrainfos.dat.gz) and the title+year join used by the ML-100K loader.

export interface MovieExtra {
  movieId: number;
  title: string;
  year: string;
  director: string;
  actors: string;
  plot: string;
}

/** Parses movies_extrainfos.dat (UTF-8, CRLF, `::`-separated, 11 fields). */
export function parseExtraInfos(text: string): Map<number, MovieExtra> {
  const out = new Map<number, MovieExtra>();
  for (const line of text.split(/\r?\n/)) {
    if (!line) continue;
    const f = line.split('::');
    if (f.length < 10) continue;
    const plot = (f[9] ?? '').trim();
    out.set(Number(f[0]), {
      movieId: Number(f[0]),
      title: f[1] ?? '',
      year: f[2] ?? '',
      director: f[6] ?? '',
      actors: f[8] ?? '',
      plot: plot === 'N/A' ? '' : plot,
    });
  }
  return out;
}

/** Splits "Usual Suspects, The (1995)" into { title: "Usual Suspects, The", year: "1995" }. */
export function splitTitleYear(full: string): { title: string; year: string } {
  const m = /^(.*?)\s*\((\d{4})\)\s*$/.exec(full.trim());
  return m ? { title: m[1]!, year: m[2]! } : { title: full.trim(), year: '' };
}

const ARTICLES = ['the', 'a', 'an', 'les', 'la', 'le', 'il', 'das', 'der', 'die', 'el', "l'"];

/**
 * Normal form for joining MovieLens titles across releases: lower case, "Title, The" -> "the title",
 * alternative titles in parentheses dropped, punctuation removed, spaces collapsed.
 */
export function normalizeTitle(title: string): string {
  let t = title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '');
  t = t.replace(/\s*\([^)]*\)\s*/g, ' ').trim(); // "(a.k.a. ...)" and foreign titles
  for (const a of ARTICLES) {
    const suffix = `, ${a}`;
    if (t.endsWith(suffix)) {
      t = `${a} ${t.slice(0, -suffix.length)}`;
      break;
    }
  }
  return t
    .replace(/&/g, 'and')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** "{Title} ({year}). Genres: a, b" -- the minimal MovieLens item text of DATA.md. */
export function movieDescription(genres: string[], extra: MovieExtra | undefined): string {
  const parts = [`Genres: ${genres.join(', ')}.`];
  if (extra?.director) parts.push(`Director: ${extra.director}.`);
  if (extra?.actors) parts.push(`Cast: ${extra.actors}.`);
  if (extra?.plot) parts.push(extra.plot);
  return parts.join(' ');
}
