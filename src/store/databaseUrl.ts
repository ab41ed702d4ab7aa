import path from 'node:path';

export type Provider = 'sqlite' | 'postgresql';

export interface DatabaseTarget {
  provider: Provider;
  /** SQLite: absolute file path. PostgreSQL: connection string without Prisma's `schema` parameter. */
  location: string;
  /** PostgreSQL schema (Prisma's `?schema=` convention); defaults to `public`. */
  schema: string;
  /**
   * SQLite durability (`?synchronous=normal` on the file URL; default full): full syncs every commit before it
   * resolves (off the event loop, concurrent commits sharing a sync: sqliteDurability.ts); normal syncs at
   * checkpoints, so a power loss or OS crash may undo the last commits (a process crash never does).
   */
  synchronous?: 'full' | 'normal';
}

export const DEFAULT_DATABASE_URL = 'file:./data/tastegraph.db';

/** DATABASE_URL picks the provider: `file:` is SQLite, `postgres://` or `postgresql://` is PostgreSQL. */
export function parseDatabaseUrl(url: string = DEFAULT_DATABASE_URL, cwd = process.cwd()): DatabaseTarget {
  if (url.startsWith('file:')) {
    const [file, query] = url.slice('file:'.length).split('?') as [string, string | undefined];
    if (!file) throw new Error(`DATABASE_URL "${url}" names no SQLite file (expected e.g. ${DEFAULT_DATABASE_URL})`);
    const synchronous = new URLSearchParams(query ?? '').get('synchronous')?.toLowerCase() ?? 'full';
    if (synchronous !== 'full' && synchronous !== 'normal')
      throw new Error(`DATABASE_URL synchronous must be full or normal; got "${synchronous}"`);
    return { provider: 'sqlite', location: path.resolve(cwd, file), schema: 'main', synchronous };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const parsed = new URL(url);
    const schema = parsed.searchParams.get('schema') ?? 'public';
    parsed.searchParams.delete('schema');
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema))
      throw new Error(`DATABASE_URL schema "${schema}" is not a plain identifier`);
    return { provider: 'postgresql', location: parsed.toString(), schema };
  }
  throw new Error(
    `DATABASE_URL must start with file: (SQLite) or postgresql:// (PostgreSQL); got "${url.replace(/\/\/[^@]*@/, '//***@')}"`,
  );
}
