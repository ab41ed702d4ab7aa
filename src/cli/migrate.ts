// `npm run db:migrate`: applies pending migrations to whatever DATABASE_URL names.
import { DEFAULT_DATABASE_URL, parseDatabaseUrl } from '../store/databaseUrl.js';
import { migrate } from '../store/migrate.js';

const url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
const target = parseDatabaseUrl(url);
const report = await migrate(target, (line) => console.log(line));
console.log(
  report.applied.length
    ? `${report.applied.length} migration(s) applied to ${target.provider}`
    : `${target.provider}: up to date`,
);
