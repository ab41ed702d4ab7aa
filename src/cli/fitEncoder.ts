// npm run encoder:fit -- --out <dir> [--text <file>] [--jsonl <file> --field <name>] [--dim 128] [--min-count 2] [--window 8]
// Fits a catalog encoder (static Model2Vec layout) from item texts; progress on stderr.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { fitCatalogEncoder } from '../inference/fit.js';

export interface FitCliArgs {
  out: string;
  text?: string;
  jsonl?: string;
  field?: string;
  dim?: number;
  minCount?: number;
  window?: number;
}

const USAGE = `usage: npm run encoder:fit -- --out <dir> [--text <file> | --jsonl <file> --field <name>]
         [--dim 128] [--min-count 2] [--window 8]
  (default) the items in the database named by DATABASE_URL, through the same item text template as the server
  --text   a UTF-8 file with one item text per line
  --jsonl  a JSON-lines file; --field names the string field holding the item text
  Then set ENCODER_MODEL_DIR=<dir> to use the fitted encoder.`;

export class UsageError extends Error {}

/** Item texts of every item in the database (DATABASE_URL), as the server encodes them. */
async function readDatabaseTexts(): Promise<string[]> {
  const { DEFAULT_DATABASE_URL, openStore, parseDatabaseUrl, pendingMigrations } = await import('../store/index.js');
  const { itemText } = await import('../inference/itemText.js');
  const target = parseDatabaseUrl(process.env.DATABASE_URL || DEFAULT_DATABASE_URL);
  if ((await pendingMigrations(target)).length) {
    throw new UsageError(
      `the database at DATABASE_URL has no items yet (not migrated); start the server and upsert items, or give --text`,
    );
  }
  const store = await openStore(target);
  try {
    const texts: string[] = [];
    for await (const page of store.iterateItems(5000)) texts.push(...page.map((r) => itemText(r)));
    if (!texts.length) throw new UsageError('the database has no items; upsert items first, or give --text');
    return texts;
  } finally {
    await store.close();
  }
}

/** Where the texts come from: a text file, a JSON-lines file, or by default the items in the database. */
export async function readTexts(args: FitCliArgs): Promise<string[]> {
  if (args.text) {
    const raw = await readFile(args.text, 'utf8');
    return raw
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean);
  }
  if (args.jsonl) {
    if (!args.field) throw new UsageError('--jsonl needs --field <name>');
    const raw = await readFile(args.jsonl, 'utf8');
    const out: string[] = [];
    raw.split(/\r?\n/).forEach((line, i) => {
      if (!line.trim()) return;
      let obj: Record<string, unknown>;
      try {
        obj = JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new UsageError(`${args.jsonl}:${i + 1}: not valid JSON`);
      }
      const v = obj[args.field!];
      if (typeof v === 'string' && v.trim()) out.push(v);
    });
    return out;
  }
  return readDatabaseTexts();
}

export function parseFitArgs(argv: string[]): FitCliArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string' },
      text: { type: 'string' },
      jsonl: { type: 'string' },
      field: { type: 'string' },
      dim: { type: 'string' },
      'min-count': { type: 'string' },
      window: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) throw new UsageError('');
  if (!values.out) throw new UsageError('--out <dir> is required');
  const num = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a non-negative integer`);
    return n;
  };
  return {
    out: values.out,
    text: values.text,
    jsonl: values.jsonl,
    field: values.field,
    dim: num('dim', values.dim),
    minCount: num('min-count', values['min-count']),
    window: num('window', values.window),
  };
}

async function main(): Promise<void> {
  let args: FitCliArgs;
  let texts: string[];
  try {
    args = parseFitArgs(process.argv.slice(2));
    texts = await readTexts(args);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      if ((err as Error).message) process.stderr.write(`encoder:fit: ${(err as Error).message}\n`);
      process.stderr.write(`${USAGE}\n`);
      process.exit(2);
    }
    throw err;
  }
  const t0 = Date.now();
  process.stderr.write(`encoder:fit: ${texts.length} texts -> ${args.out}\n`);
  let last = '';
  const res = await fitCatalogEncoder(texts, {
    outDir: args.out,
    dim: args.dim,
    minCount: args.minCount,
    window: args.window,
    onProgress: (done, total, phase) => {
      const line = `  ${phase} ${done}/${total}`;
      if (line !== last) process.stderr.write(`${line}  (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
      last = line;
    },
  });
  process.stderr.write(
    `encoder:fit: done in ${((Date.now() - t0) / 1000).toFixed(1)} s: vocab ${res.vocabSize}, dim ${res.dim}, wrote ${res.outDir}\n` +
      `  use it with ENCODER_MODEL_DIR=${res.outDir}\n`,
  );
}

// Run only when executed (`tsx src/cli/fitEncoder.ts`), not when imported for readTexts/parseFitArgs.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`encoder:fit failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
