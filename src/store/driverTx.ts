// The write path's multi-row statements (batchSql.ts) run on the Prisma driver adapter's own transaction object,
// inside the interactive transaction Prisma opened. Why: Prisma's client sends raw SQL parameters through a JSON
// round trip (serialised, then parsed back; bytes as base64 both ways); for a batch's profile states (megabytes)
// that round trip cost more than the database's own work (bench/results/ingest.json). The adapter takes driver
// values as they are. Which adapter transaction belongs to which Prisma transaction is recorded per async context:
// Store.transaction opens a slot, and the adapter's startTransaction (called in that context) fills it.
import { AsyncLocalStorage } from 'node:async_hooks';
import type {
  ArgType,
  SqlDriverAdapter,
  SqlDriverAdapterFactory,
  SqlQueryable,
  Transaction,
} from '@prisma/driver-adapter-utils';
import type { Prisma } from '../generated/sqlite/client.js';

type Slot = { tx: Transaction | null };
const slots = new AsyncLocalStorage<Slot>();

/** The factory, with every transaction its adapters start recorded in the caller's slot (see runInSlot). */
export function recordingTransactions<F extends SqlDriverAdapterFactory>(factory: F): F {
  const connect = async (): Promise<SqlDriverAdapter> => {
    const adapter = await factory.connect();
    // Delegates to the adapter itself (its private fields need `this` to be the adapter, not a proxy).
    return new Proxy(adapter, {
      get(target, prop) {
        if (prop === 'startTransaction')
          return async (...args: Parameters<SqlDriverAdapter['startTransaction']>) => {
            const tx = await target.startTransaction(...args);
            const slot = slots.getStore();
            if (slot && !slot.tx) slot.tx = tx;
            return tx;
          };
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  };
  return new Proxy(factory, {
    get: (target, prop) => (prop === 'connect' ? connect : (Reflect.get(target, prop, target) as unknown)),
  });
}

/** Runs a Prisma interactive transaction with a slot for its adapter transaction; `driver` reads it. */
export function runInSlot<T>(fn: (driver: () => SqlQueryable) => Promise<T>): Promise<T> {
  const slot: Slot = { tx: null };
  return slots.run(slot, () =>
    fn(() => {
      if (!slot.tx) throw new Error('store: the driver transaction of this unit of work was not recorded');
      return slot.tx;
    }),
  );
}

/** The driver of code outside Store.transaction: the multi-row writes are transactional only. */
export function outsideTransaction(): SqlQueryable {
  throw new Error('store: multi-row writes run inside Store.transaction only');
}

function argType(value: unknown): ArgType {
  if (Array.isArray(value)) return { scalarType: 'string', arity: 'list' };
  if (Buffer.isBuffer(value)) return { scalarType: 'bytes', arity: 'scalar' };
  if (typeof value === 'bigint') return { scalarType: 'bigint', arity: 'scalar' };
  if (typeof value === 'number') return { scalarType: Number.isInteger(value) ? 'int' : 'float', arity: 'scalar' };
  return { scalarType: 'string', arity: 'scalar' };
}

/** Raw statements on one driver queryable, with the placeholders of its provider ($n or ?). */
export function driverSql(queryable: () => SqlQueryable, provider: 'sqlite' | 'postgresql') {
  const query = (statement: Prisma.Sql) => ({
    sql: provider === 'postgresql' ? statement.text : statement.sql,
    args: statement.values,
    argTypes: statement.values.map(argType),
  });
  return {
    /** The number of rows changed. */
    execute: (statement: Prisma.Sql): Promise<number> => queryable().executeRaw(query(statement)),
    /** The rows, as arrays of column values in the statement's column order. */
    rows: async (statement: Prisma.Sql): Promise<unknown[][]> => (await queryable().queryRaw(query(statement))).rows,
  };
}

export type DriverSql = ReturnType<typeof driverSql>;
