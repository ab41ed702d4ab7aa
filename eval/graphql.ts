// --graphql URL --sample N: replays the same test-phase training data through a running Tastegraph server
// (upsertItems, recordBehaviors, User.recommendations) and checks that it serves the same ranked lists as the
// in-process path. Run it against a fresh database: the server must hold exactly this dataset's events.
import {
  applyBehavior,
  DEFAULT_PROFILE_CONFIG,
  newProfile,
  profileSignals,
  validateProfileConfig,
  type ProfileState,
} from '../src/domain/profile/index.js';
import { RecommenderModel } from '../src/domain/recommend/index.js';
import { createVectorIndex } from '../src/vectorindex/index.js';
import type { LoadedDataset } from './datasets/types.js';
import { trainingEvents } from './method.js';
import { MetricAccumulator, type Metrics } from './metrics.js';
import { Progress } from './progress.js';

function pick10(m: Metrics): Record<string, number> {
  return { users: m.users, 'HR@10': Number(m['HR@10'].toFixed(4)), 'NDCG@10': Number(m['NDCG@10'].toFixed(4)) };
}
import { LeakGuard, type SplitPlan } from './protocol.js';
import type { TastegraphContext } from './tastegraph.js';
import type { ItemVectors } from './vectors.js';

interface GqlResponse<T> {
  data?: T;
  errors?: Array<{ message: string }>;
}

export async function gql<T>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as GqlResponse<T>;
  if (body.errors?.length) throw new Error(`GraphQL error: ${body.errors.map((e) => e.message).join('; ')}`);
  if (!body.data) throw new Error(`GraphQL: HTTP ${res.status} without data`);
  return body.data;
}

/** Names of an input type's fields (introspection), so the harness adapts to the schema's exact spelling. */
async function inputFields(url: string, name: string): Promise<Set<string>> {
  const d = await gql<{ __type: { inputFields: Array<{ name: string }> } | null }>(
    url,
    `query($n: String!) { __type(name: $n) { inputFields { name } } }`,
    { n: name },
  );
  if (!d.__type) throw new Error(`the server's schema has no input type ${name}`);
  return new Set(d.__type.inputFields.map((f) => f.name));
}

async function payloadSelection(url: string, mutation: string): Promise<string> {
  const d = await gql<{
    __schema: {
      mutationType: {
        fields: Array<{
          name: string;
          type: { kind: string; name: string | null; ofType: { kind: string; name: string | null } | null };
        }>;
      };
    };
  }>(url, `{ __schema { mutationType { fields { name type { kind name ofType { kind name } } } } } }`);
  const f = d.__schema.mutationType.fields.find((x) => x.name === mutation);
  if (!f) throw new Error(`the server has no mutation ${mutation}`);
  const t = f.type.kind === 'NON_NULL' ? f.type.ofType : f.type;
  return t && (t.kind === 'SCALAR' || t.kind === 'ENUM') ? '' : ' { __typename }';
}

export async function compareWithGraphql(args: {
  url: string;
  sample: number;
  ds: LoadedDataset;
  vec: ItemVectors;
  ctx: TastegraphContext;
  plan: SplitPlan;
}) {
  const { url, ds, vec, ctx, plan } = args;
  const t0 = performance.now();
  const itemFields = await inputFields(url, 'ItemInput');
  const behaviorFields = await inputFields(url, 'BehaviorInput');
  const upsertSel = await payloadSelection(url, 'upsertItems');
  const recordSel = await payloadSelection(url, 'recordBehaviors');

  // Shift the clock so the newest training event is one hour before now: the server scores at its wall clock.
  const guard = new LeakGuard(ds, 'test');
  const events = trainingEvents({ ds, plan, phase: 'test', guard });
  const newest = events.length ? events[events.length - 1]!.time : Date.now();
  const shift = Date.now() - 3_600_000 - newest;

  const pick = <T extends object>(o: T, allowed: Set<string>) =>
    Object.fromEntries(Object.entries(o).filter(([k, v]) => allowed.has(k) && v !== null && v !== undefined));
  const items = ds.items.map((it) => pick(it, itemFields));
  const pItems = new Progress('graphql upsertItems', items.length);
  for (let s = 0; s < items.length; s += 200) {
    await gql(url, `mutation($items: [ItemInput!]!) { upsertItems(items: $items)${upsertSel} }`, {
      items: items.slice(s, s + 200),
    });
    pItems.tick(Math.min(200, items.length - s));
  }
  pItems.done();
  const pEv = new Progress('graphql recordBehaviors', events.length);
  for (let s = 0; s < events.length; s += 500) {
    const batch = events.slice(s, s + 500).map((e) => {
      const ev = ctx.event(e.user, e.pos, 'native', shift);
      return pick(
        {
          eventId: ev.eventId,
          userId: ev.userId,
          itemId: ev.itemId,
          type: ev.type,
          value: ev.value,
          text: ev.text,
          occurredAt: new Date(ev.occurredAt).toISOString(),
        },
        behaviorFields,
      );
    });
    await gql(url, `mutation($inputs: [BehaviorInput!]!) { recordBehaviors(inputs: $inputs)${recordSel} }`, {
      inputs: batch,
    });
    pEv.tick(batch.length);
  }
  pEv.done();

  // In-process twin with the server's defaults (product config, exploration at its default, same shifted clock).
  const cfg = validateProfileConfig({});
  const model = new RecommenderModel({ dim: vec.dim, index: createVectorIndex({ dim: vec.dim, kind: 'auto' }) });
  model.upsertItems(ctx.features.map((f, i) => ({ ...f, vector: vec.rows[i]! })));
  // The server feeds each recordBehaviors batch in event-time order, ties in input order; the batches above are
  // consecutive slices of `events`, already in that order, so this is the sequence the server's model saw.
  for (const e of events) model.observe(ctx.event(e.user, e.pos, 'native', shift));

  const step = plan.users.length / Math.min(args.sample, plan.users.length);
  const sample = Array.from(
    { length: Math.min(args.sample, plan.users.length) },
    (_, k) => plan.users[Math.floor(k * step)]!,
  );
  const remoteAcc = new MetricAccumulator(ds.items.length, vec.matrix, vec.dim);
  const localAcc = new MetricAccumulator(ds.items.length, vec.matrix, vec.dim);
  let identical = 0;
  let overlapSum = 0;
  // Largest |score difference| / score where both lists hold the same item at the same position.
  let maxScoreDiff = 0;
  const diffs: Array<{ user: string; firstDifference: number }> = [];
  for (const u of sample) {
    const user = ds.users[u]!;
    let state: ProfileState = newProfile(user.id, {}, cfg);
    for (let k = 0; k < user.items.length - 1; k++) {
      const it = user.items[k]!;
      state = applyBehavior(
        state,
        ctx.event(u, k, 'native', shift),
        { item: ctx.features[it]!, itemVector: vec.rows[it]!, textVector: null },
        cfg,
      ).state;
    }
    const now = Date.now();
    const served = await gql<{ user: { recommendations: Array<{ item: { id: string }; score: number }> } | null }>(
      url,
      `query($id: ID!) { user(id: $id) { recommendations(first: 10, explore: 0) { item { id } score } } }`,
      { id: user.id },
    );
    const remoteRecs = served.user?.recommendations ?? [];
    const localRecs = model.recommend({ signals: profileSignals(state, now, cfg), first: 10, now, explore: 0 });
    const remote = remoteRecs.map((r) => r.item.id);
    const local = localRecs.map((r) => r.itemId);
    remoteRecs.forEach((r, i) => {
      const l = localRecs[i];
      if (l && l.itemId === r.item.id)
        maxScoreDiff = Math.max(maxScoreDiff, Math.abs(l.score - r.score) / Math.max(1e-12, Math.abs(l.score)));
    });
    const target = ds.items[user.items[user.items.length - 1]!]!.id;
    remoteAcc.add(
      remote.map((id) => ctx.indexOf(id)),
      remote.map((id) => ctx.indexOf(id)),
      remote.map((id) => ctx.indexOf(id)),
      ctx.indexOf(target),
    );
    localAcc.add(
      local.map((id) => ctx.indexOf(id)),
      local.map((id) => ctx.indexOf(id)),
      local.map((id) => ctx.indexOf(id)),
      ctx.indexOf(target),
    );
    const same = remote.length === local.length && remote.every((id, i) => id === local[i]);
    if (same) identical++;
    else diffs.push({ user: user.id, firstDifference: remote.findIndex((id, i) => id !== local[i]) });
    const l = new Set(local);
    overlapSum += remote.filter((id) => l.has(id)).length / Math.max(1, Math.max(local.length, remote.length));
  }
  return {
    url,
    usersCompared: sample.length,
    identicalRankedLists: identical,
    meanOverlapAt10: Number((overlapSum / Math.max(1, sample.length)).toFixed(4)),
    maxRelativeScoreDifference: maxScoreDiff,
    firstDifferences: diffs.slice(0, 10),
    testMetricsGraphql: pick10(remoteAcc.result()),
    testMetricsInProcess: pick10(localAcc.result()),
    eventsUploaded: events.length,
    itemsUploaded: items.length,
    clockShiftMs: shift,
    note:
      'Both paths use the product defaults (DEFAULT_PROFILE_CONFIG, DEFAULT_RECOMMEND_CONFIG) with exploration 0 and are fed the same events in the same order ' +
      '(the server feeds its recommender each recordBehaviors batch in event-time order). The server scores at its wall clock, the in-process twin at Date.now() just before the same request: ' +
      'those few milliseconds of decay are all that separates the scores (maxRelativeScoreDifference); with one clock they are equal (test/eval.graphql.test.ts).',
    seconds: Number(((performance.now() - t0) / 1000).toFixed(1)),
    profileConfig: DEFAULT_PROFILE_CONFIG === cfg ? 'default' : 'validateProfileConfig({}) (the defaults)',
  };
}
