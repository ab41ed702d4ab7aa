// `npm run model:tune [-- --users 2000 --search-users 300 --budget 600]`: tunes the recommender on this deployment's own log with the
// evaluation harness's leave-last-out protocol (eval/tune.ts) and stores the pick as a new TunedConfiguration
// version with its validation figures; the server applies the newest one at start (admin query tunedConfiguration).
import { parseArgs } from 'node:util';
import { DEFAULT_SEARCH_USERS, datasetFromLog, tuneRecommender, type LogItem } from '../../eval/tune.js';
import { Progress } from '../../eval/progress.js';
import { loadConfig } from '../config.js';
import { migrate, openStore, parseDatabaseUrl, type BehaviorRow } from '../store/index.js';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: process.env.TUNE_USERS ?? '2000' },
    budget: { type: 'string', default: process.env.TUNE_BUDGET_SECONDS ?? '600' },
    'search-users': { type: 'string', default: process.env.TUNE_SEARCH_USERS ?? String(DEFAULT_SEARCH_USERS) },
    'dry-run': { type: 'boolean', default: false },
  },
});
const config = loadConfig();
const target = parseDatabaseUrl(config.databaseUrl);
await migrate(target);
const store = await openStore(target);
try {
  const items: LogItem[] = [];
  for await (const page of store.iterateItems())
    for (const it of page)
      items.push({
        id: it.id,
        title: it.title,
        description: it.description,
        category: it.category,
        tags: it.tags,
        brand: it.brand,
        price: it.price,
        embedding: it.embedding,
      });
  const events: BehaviorRow[] = [];
  for await (const page of store.iterateBehaviors()) events.push(...page);
  const dim = items.find((it) => it.embedding)?.embedding?.length ?? 1;
  const { ds, vectors, matrix } = datasetFromLog(items, events, dim);
  console.error(`model:tune: ${items.length} items, ${events.length} events, ${ds.users.length} users with items`);
  let bar: Progress | null = null;
  let shown = 0;
  const result = await tuneRecommender(ds, vectors, matrix, dim, {
    users: Math.max(1, Number.parseInt(values.users!, 10)),
    searchUsers: Math.max(1, Number.parseInt(values['search-users']!, 10)),
    budgetSeconds: Math.max(1, Number(values.budget)),
    onProgress: (done, total) => {
      bar ??= new Progress('model:tune (validation NDCG@10)', total);
      bar.tick(done - shown);
      shown = done;
      if (done === total) bar.done();
    },
  });
  const v = result.validation;
  console.error(
    `validation NDCG@10: defaults ${v.validation.defaults.ndcg10.toFixed(4)}, chosen ${v.validation.chosen.ndcg10.toFixed(4)}; ` +
      `test NDCG@10: defaults ${v.test.defaults.ndcg10.toFixed(4)}, chosen ${v.test.chosen.ndcg10.toFixed(4)}, most-popular ${v.test.mostPopular.ndcg10.toFixed(4)} ` +
      `(${v.users} users, candidates scored on ${v.searchUsers}${v.confirmed ? '' : ', search pick not confirmed on all users'}, ${v.candidatesTried}/${v.candidatesPlanned} candidates${v.stoppedByBudget ? ', stopped by the time budget' : ''}, ${v.seconds} s)`,
  );
  if (values['dry-run']) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    const row = await store.saveTunedConfiguration({
      config: result.config as Record<string, unknown>,
      validation: result.validation as unknown as Record<string, unknown>,
    });
    console.log(`stored tuned configuration version ${row.version}; the server applies it at its next start`);
  }
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 1;
} finally {
  await store.close();
}
