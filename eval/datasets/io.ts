// File access for dataset loaders: read once, hash what was read, decode, gunzip.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { DatasetFile } from './types.js';

export class DatasetMissingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetMissingError';
  }
}

/** Tracks every file a loader read, with its sha256, for the results file. */
export class FileReader {
  readonly files: DatasetFile[] = [];
  constructor(
    readonly dir: string,
    readonly datasetName: string,
  ) {
    const abs = resolve(dir);
    if (!existsSync(abs) || !statSync(abs).isDirectory()) {
      throw new DatasetMissingError(
        `Dataset directory not found: ${abs}\n` +
          `  The ${datasetName} evaluation reads local files only (nothing is downloaded). ` +
          `Pass --data <dir> pointing at a folder laid out as described in ../shared/data/README.md ` +
          `(e.g. --data ../shared/data/${datasetName}).`,
      );
    }
  }

  has(name: string): boolean {
    return existsSync(resolve(this.dir, name));
  }

  /** Raw bytes of a file in the dataset directory (or an absolute/relative path outside it). */
  bytes(name: string, required = true): Buffer | null {
    const p = resolve(this.dir, name);
    if (!existsSync(p)) {
      if (!required) return null;
      throw new DatasetMissingError(`Missing file ${p} (needed by the ${this.datasetName} loader; see its DATA.md).`);
    }
    const buf = readFileSync(p);
    this.files.push({
      path: relName(this.dir, p),
      bytes: buf.length,
      sha256: createHash('sha256').update(buf).digest('hex'),
    });
    return buf;
  }

  /** Text of a file; `.gz` files are gunzipped; encoding 'latin1' for ISO-8859-1 files. */
  text(name: string, encoding: 'utf8' | 'latin1' = 'utf8', required = true): string | null {
    const buf = this.bytes(name, required);
    if (!buf) return null;
    const raw = name.endsWith('.gz') ? gunzipSync(buf) : buf;
    return raw.toString(encoding);
  }
}

function relName(dir: string, p: string): string {
  const d = resolve(dir);
  return p.startsWith(d + '/') ? p.slice(d.length + 1) : `../${basename(resolve(p, '..'))}/${basename(p)}`;
}

/** Splits text into lines, accepting LF and CRLF, dropping a trailing empty line. */
export function lines(text: string): string[] {
  const out = text.split(/\r?\n/);
  if (out.length && out[out.length - 1] === '') out.pop();
  return out;
}
