// The write path's multi-row statements (batchSql.ts) run on the Prisma driver adapter's own transaction object,
// inside the interactive transaction Prisma opened. Why: Prisma's client sends raw SQL parameters through a JSON
// round trip (serialised, then parsed back; bytes as base64 both ways); for a batch's profile states (megabytes)
// that round trip cost more than the database's own work (bench/results/ingest.json). The adapter takes driver
// values as they are. Which adapter transaction belongs to which Prisma transaction (PostgreSQL: one pooled
// connection each): the first multi-row write of a unit of work sends one marker query with a fresh token through
// Prisma's transaction client, and the adapter's transaction that sees it is recorded under that token. SQLite has
// one connection and one transaction at a time (sqliteTransactionDriver). (An AsyncLocalStorage did this before: on Node 20 it turns
// on promise hooks for the whole process, which cost ~10% of the server's CPU, reads included.)
import type {
  ArgType,
  SqlDriverAdapter,
  SqlDriverAdapterFactory,
  SqlQuery,
  SqlQueryable,
  Transaction,
} from '@prisma/driver-adapter-utils';
import type { Prisma } from '../generated/sqlite/client.js';

/** The marker query's text per provider; its one parameter is the unit of work's token. */
const MARKER = { sqlite: 'SELECT ? AS "tastegraphTx"', postgresql: 'SELECT $1::text AS "tastegraphTx"' } as const;
const markers = new Set<string>(Object.values(MARKER));

/** Adapter transactions that saw a marker, by token, until their unit of work takes them. */
const seen = new Map<string, Transaction>();
let nextToken = 0;

/** The adapter transaction, with its marker queries recorded (every other call goes to the transaction itself). */
function recording(tx: Transaction): Transaction {
  return new Proxy(tx, {
    get(target, prop) {
      if (prop === 'queryRaw')
        return (query: SqlQuery) => {
          if (markers.has(query.sql)) seen.set(String(query.args[0]), target);
          return target.queryRaw(query);
        };
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * The factory, with every transaction its adapters start able to record a marker query (see transactionDriver).
 * `onConnect` receives each adapter it connects (SQLite's is the connection every transaction runs on), before use.
 */
export function recordingTransactions<F extends SqlDriverAdapterFactory>(
  factory: F,
  onConnect: (adapter: SqlDriverAdapter) => Promise<void> | void = () => {},
): F {
  const connect = async (): Promise<SqlDriverAdapter> => {
    const adapter = await factory.connect();
    await onConnect(adapter);
    // Delegates to the adapter itself (its private fields need `this` to be the adapter, not a proxy).
    return new Proxy(adapter, {
      get(target, prop) {
        if (prop === 'startTransaction')
          return async (...args: Parameters<SqlDriverAdapter['startTransaction']>) =>
            recording(await target.startTransaction(...args));
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  };
  return new Proxy(factory, {
    get: (target, prop) => (prop === 'connect' ? connect : (Reflect.get(target, prop, target) as unknown)),
  });
}

/**
 * SQLite's adapter runs one transaction at a time on its one connection (it holds a lock from BEGIN to COMMIT), so
 * while a unit of work runs, its transaction is the connection's: statements on the adapter itself are inside it,
 * and no marker query is needed.
 */
export function sqliteTransactionDriver(adapter: () => SqlDriverAdapter | null): () => Promise<SqlQueryable> {
  return () => {
    const connected = adapter();
    return connected ? Promise.resolve(connected) : Promise.reject(new Error('store: SQLite is not connected'));
  };
}

/** Something that can send the marker through Prisma's transaction client (its $queryRawUnsafe). */
type MarkerSender = { $queryRawUnsafe(sql: string, ...values: unknown[]): Promise<unknown> };

/**
 * The driver of one Prisma interactive transaction `tx`: found on first use by a marker query sent through `tx`,
 * then kept. A unit of work without multi-row writes sends nothing.
 */
export function transactionDriver(tx: MarkerSender, provider: 'sqlite' | 'postgresql'): () => Promise<SqlQueryable> {
  let found: Promise<SqlQueryable> | null = null;
  const find = async (): Promise<SqlQueryable> => {
    const token = `${process.pid}:${nextToken++}`;
    await tx.$queryRawUnsafe(MARKER[provider], token);
    const driver = seen.get(token);
    seen.delete(token);
    if (!driver) throw new Error('store: the driver transaction of this unit of work was not recorded');
    return driver;
  };
  return () => (found ??= find());
}

/** The driver of code outside Store.transaction: the multi-row writes are transactional only. */
export function outsideTransaction(): Promise<SqlQueryable> {
  return Promise.reject(new Error('store: multi-row writes run inside Store.transaction only'));
}

function argType(value: unknown): ArgType {
  if (Array.isArray(value)) return { scalarType: 'string', arity: 'list' };
  if (Buffer.isBuffer(value)) return { scalarType: 'bytes', arity: 'scalar' };
  if (typeof value === 'bigint') return { scalarType: 'bigint', arity: 'scalar' };
  if (typeof value === 'number') return { scalarType: Number.isInteger(value) ? 'int' : 'float', arity: 'scalar' };
  return { scalarType: 'string', arity: 'scalar' };
}

/** better-sqlite3's connection, as the SQLite adapter's transaction holds it (its `client`), and its statements. */
type SqliteConnection = { prepare(sql: string): SqliteStatement };
type SqliteStatement = {
  run(...args: unknown[]): { changes: number };
  raw(on: boolean): { all(...args: unknown[]): unknown[][] };
};

/** Statements prepared once per connection: the adapter prepares every statement again on every call. */
const prepared = new WeakMap<SqliteConnection, Map<string, SqliteStatement>>();

/** The SQLite connection under an adapter transaction, or null (PostgreSQL, or an adapter that hides it). */
function sqliteConnection(queryable: SqlQueryable): SqliteConnection | null {
  const client = (queryable as { client?: Partial<SqliteConnection> }).client;
  return queryable.provider === 'sqlite' && typeof client?.prepare === 'function' ? (client as SqliteConnection) : null;
}

function statementOn(connection: SqliteConnection, sql: string): SqliteStatement {
  let statements = prepared.get(connection);
  if (!statements) prepared.set(connection, (statements = new Map()));
  let statement = statements.get(sql);
  if (!statement) statements.set(sql, (statement = connection.prepare(sql)));
  return statement;
}

/**
 * Raw statements on one driver queryable, with the placeholders of its provider ($n or ?). On SQLite they run on
 * the transaction's connection with statements prepared once (the values here, text, numbers, bytes and nulls, are
 * what the adapter would bind unchanged); elsewhere through the adapter.
 */
export function driverSql(queryable: () => Promise<SqlQueryable>, provider: 'sqlite' | 'postgresql') {
  const query = (statement: Prisma.Sql) => ({
    sql: provider === 'postgresql' ? statement.text : statement.sql,
    args: statement.values,
    argTypes: statement.values.map(argType),
  });
  return {
    /** The number of rows changed. */
    async execute(statement: Prisma.Sql): Promise<number> {
      const driver = await queryable();
      const connection = sqliteConnection(driver);
      if (connection) return statementOn(connection, statement.sql).run(...statement.values).changes;
      return driver.executeRaw(query(statement));
    },
    /** The rows, as arrays of column values in the statement's column order. */
    async rows(statement: Prisma.Sql): Promise<unknown[][]> {
      const driver = await queryable();
      const connection = sqliteConnection(driver);
      if (connection)
        return statementOn(connection, statement.sql)
          .raw(true)
          .all(...statement.values);
      return (await driver.queryRaw(query(statement))).rows;
    },
  };
}

export type DriverSql = ReturnType<typeof driverSql>;
