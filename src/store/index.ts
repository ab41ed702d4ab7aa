export { parseDatabaseUrl, DEFAULT_DATABASE_URL, type DatabaseTarget, type Provider } from './databaseUrl.js';
export { migrate, pendingMigrations } from './migrate.js';
export { openPrismaStore as openStore, bytesToVector, vectorToBytes } from './prismaStore.js';
export { DuplicateEventError, VersionConflictError } from './errors.js';
export type * from './types.js';
