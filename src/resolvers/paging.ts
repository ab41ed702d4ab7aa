import { badInput } from '../services/errors.js';
import { decodeCursor } from './connections.js';

/** The sort key behind an `after` cursor; a cursor this server did not issue is BAD_USER_INPUT. */
export function afterKey(field: string, after: string | null | undefined): string | null {
  if (after === null || after === undefined) return null;
  const key = decodeCursor(after);
  if (key === undefined) throw badInput(field, 'is not a cursor issued by this server');
  return key;
}

export function afterNumber(field: string, after: string | null | undefined): number | null {
  const key = afterKey(field, after);
  if (key === null) return null;
  const n = Number(key);
  if (!Number.isInteger(n)) throw badInput(field, 'is not a cursor issued by this server');
  return n;
}
