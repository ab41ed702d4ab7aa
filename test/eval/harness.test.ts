// The evaluation harness's own protocol code: metrics by hand, the leak guard, the loaders, and a small end-to-end run.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ItemKnn, MostPopular } from '../../eval/baselines.js';
import { loadDataset } from '../../eval/datasets/index.js';
import { DatasetMissingError } from '../../eval/datasets/io.js';
import { normalizeTitle } from '../../eval/datasets/movielensText.js';
import { ORDER_ONLY_SPACING_MS } from '../../eval/datasets/types.js';
import { loadGeneric, parseCsv } from '../../eval/datasets/generic.js';
import { evaluateMethod, trainingEvents, type PhaseData } from '../../eval/method.js';
import { hitAt, intraListDiversity, MetricAccumulator, ndcgAt, reciprocalRank, topK } from '../../eval/metrics.js';
import { historyEnd, LeakError, LeakGuard, planSplit, targetOf } from '../../eval/protocol.js';
import { toyDataset, user } from './fixtures.js';

const DATA = resolve(import.meta.dirname, '../../../shared/data');
const ML100K = join(DATA, 'ml-100k');
const hasMl100k = existsSync(join(ML100K, 'u.data'));

describe('metrics computed by hand', () => {
  it('HR, NDCG and MRR for one relevant item', () => {
    // target at 0-based position 2: HR@10 = 1, NDCG@10 = 1 / log2(2 + 2) = 0.5, RR = 1/3
    expect(hitAt(2, 10)).toBe(1);
    expect(ndcgAt(2, 10)).toBeCloseTo(0.5, 12);
    expect(reciprocalRank(2)).toBeCloseTo(1 / 3, 12);
    // position 0: everything is 1
    expect(ndcgAt(0, 10)).toBe(1);
    expect(reciprocalRank(0)).toBe(1);
    // position 12: outside @10, inside @20: NDCG@20 = 1 / log2(14)
    expect(hitAt(12, 10)).toBe(0);
    expect(ndcgAt(12, 10)).toBe(0);
    expect(ndcgAt(12, 20)).toBeCloseTo(1 / Math.log2(14), 12);
    // absent
    expect(hitAt(-1, 10) + ndcgAt(-1, 10) + reciprocalRank(-1)).toBe(0);
  });

  it('averages per user; coverage and diversity over the top 10', () => {
    const dim = 2;
    // items 0..3 on two orthogonal directions: 0,1 along x; 2,3 along y
    const vectors = Float32Array.from([1, 0, 1, 0, 0, 1, 0, 1]);
    const acc = new MetricAccumulator(4, vectors, dim);
    acc.add([3, 1, 0], [3, 1, 0], [3, 1, 0], 0); // target at position 2
    acc.add([2, 3], [2, 3], [2, 3], 1); // miss
    const m = acc.result();
    expect(m.users).toBe(2);
    expect(m['HR@10']).toBeCloseTo(0.5, 12);
    expect(m['NDCG@10']).toBeCloseTo(0.25, 12);
    expect(m.MRR).toBeCloseTo(1 / 6, 12);
    expect(m['coverage@10']).toBe(1); // items 0,1,2,3 all shown
    // list 1: pairs (3,1)=0, (3,0)=0, (1,0)=1 -> mean 1/3 -> diversity 2/3; list 2: (2,3)=1 -> 0
    expect(intraListDiversity([3, 1, 0], vectors, dim)).toBeCloseTo(2 / 3, 6);
    expect(m['diversity@10']).toBeCloseTo(1 / 3, 6);
  });

  it('topK excludes masked items and breaks ties by item index', () => {
    const scores = Float32Array.from([0.5, 0.9, 0.5, 0.1, 0.9]);
    expect([...topK(scores, 3, null)]).toEqual([1, 4, 0]);
    expect([...topK(scores, 10, Uint8Array.from([0, 1, 0, 0, 0]))]).toEqual([4, 0, 2, 3]);
  });
});

describe('protocol and leak check', () => {
  const ds = toyDataset([user('a', [0, 1, 2, 3, 4, 5]), user('b', [5, 4, 3, 2, 1]), user('c', [1, 2, 3])], 6);

  it('drops users with fewer than 5 interactions and splits last / second to last', () => {
    const plan = planSplit(ds);
    expect(plan.users).toEqual([0, 1]);
    expect(plan.droppedUsers).toBe(1);
    expect(targetOf(ds.users[0]!, 'test')).toBe(5);
    expect(targetOf(ds.users[0]!, 'val')).toBe(4);
    expect(historyEnd(ds.users[1]!, 'val')).toBe(3);
  });

  it('shared models never see a held-out event', () => {
    const plan = planSplit(ds);
    for (const phase of ['val', 'test'] as const) {
      const guard = new LeakGuard(ds, phase);
      const events = trainingEvents({ ds, plan, phase, guard });
      for (const e of events) expect(e.pos).toBeLessThan(historyEnd(ds.users[e.user]!, phase));
      // val: 4 + 3 events; test: 5 + 4 (user c is dropped entirely)
      expect(events.length).toBe(phase === 'val' ? 7 : 9);
      expect(guard.modelEvents).toBe(events.length);
    }
  });

  it('the guard throws when a target (or anything after it) is fed', () => {
    const val = new LeakGuard(ds, 'val');
    expect(() => val.profile(0, 3)).not.toThrow();
    expect(() => val.profile(0, 4)).toThrow(LeakError); // the validation target
    expect(() => val.model(1, 4)).toThrow(LeakError); // user b's test target
    const test = new LeakGuard(ds, 'test');
    expect(() => test.profile(0, 4)).not.toThrow(); // validation item is test history
    expect(() => test.profile(0, 5)).toThrow(LeakError);
    expect(() => test.assertTargetNotFed(0, [0, 1, 2, 3, 4])).not.toThrow();
    expect(() => test.assertTargetNotFed(0, [0, 1, 5])).toThrow(LeakError);
  });

  it('a genuine earlier repeat of the target is not a leak', () => {
    const rep = toyDataset([user('r', [0, 1, 2, 3, 1])], 4);
    const g = new LeakGuard(rep, 'test');
    expect(() => g.assertTargetNotFed(0, [0, 1, 2, 3])).not.toThrow();
  });

  it('baselines rank only unseen items and find an obvious co-occurrence', async () => {
    // everyone who saw 0 then saw 1; the test user saw 0 and must get 1 first from item-kNN
    const users = [user('u1', [0, 1, 2, 3, 4, 9]), user('u2', [0, 1, 5, 6, 7, 9]), user('u3', [2, 3, 4, 0, 8, 1])];
    const toy = toyDataset(users, 10);
    const plan = planSplit(toy);
    const p: PhaseData = {
      ds: toy,
      plan,
      phase: 'test',
      guard: new LeakGuard(toy, 'test'),
      vectors: new Float32Array(10),
      dim: 1,
      depth: 20,
    };
    const knn = new ItemKnn();
    knn.prepare(p);
    const ranked = knn.rank(2, p) as Int32Array;
    for (const it of ranked) expect([2, 3, 4, 0, 8]).not.toContain(it);
    expect(ranked[0]).toBe(1);
    const pop = await evaluateMethod(new MostPopular(), p, { quiet: true });
    expect(pop.historyItemsReturned).toBe(0);
    expect(pop.metrics.users).toBe(3);
  });
});

describe('loaders', () => {
  it('a missing directory gives a clear message', () => {
    expect(() => loadDataset('ml-100k', '/nonexistent/ml-100k')).toThrow(DatasetMissingError);
    expect(() => loadDataset('ml-100k', '/nonexistent/ml-100k')).toThrow(/--data/);
  });

  it('normalises MovieLens titles for the plot join', () => {
    expect(normalizeTitle('Usual Suspects, The')).toBe('the usual suspects');
    expect(normalizeTitle('Shanghai Triad (Yao a yao yao dao waipo qiao)')).toBe('shanghai triad');
  });

  it('parses quoted CSV', () => {
    expect(parseCsv('user,item,order,text\n1,a,0,"nice, really ""good"""\r\n2,b,1,\n')).toEqual([
      ['user', 'item', 'order', 'text'],
      ['1', 'a', '0', 'nice, really "good"'],
      ['2', 'b', '1', ''],
    ]);
  });

  it('loads the generic format (order only -> synthetic clock)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-generic-'));
    writeFileSync(
      join(dir, 'items.jsonl'),
      ['a', 'b', 'c'].map((id) => JSON.stringify({ id, title: `T ${id}`, tags: ['x'], price: 3 })).join('\n'),
    );
    writeFileSync(
      join(dir, 'interactions.csv'),
      'user,item,order,type\nu,b,1,PURCHASE\nu,a,0,VIEW\nu,c,2,\nv,a,0,CLICK\n',
    );
    const ds = loadGeneric(dir);
    expect(ds.timing).toBe('order-only');
    const u = ds.users.find((x) => x.id === 'u')!;
    expect([...u.items].map((i) => ds.items[i]!.id)).toEqual(['a', 'b', 'c']);
    expect(u.times[1]! - u.times[0]!).toBe(ORDER_ONLY_SPACING_MS);
    expect(ds.items[0]!.price).toBe(3);
  });

  it.skipIf(!hasMl100k)('ml-100k: counts, latin-1 titles, time order with file-order ties, plot join', () => {
    const ds = loadDataset('ml-100k', ML100K);
    expect(ds.users.length).toBe(943);
    expect(ds.items.length).toBe(1682);
    expect(ds.stats.interactions).toBe(100_000);
    expect(ds.items.find((i) => i.id === '543')!.title).toBe('Misérables, Les (1995)');
    for (const u of ds.users.slice(0, 300))
      for (let k = 1; k < u.times.length; k++) expect(u.times[k]!).toBeGreaterThanOrEqual(u.times[k - 1]!);
    // user 1 rated 168 and 172 in the same second; u.data lists 172 first? keep whatever the file order is
    const u1 = ds.users.find((u) => u.id === '1')!;
    const first = [...u1.items.subarray(0, 2)].map((i) => ds.items[i]!.id);
    const raw = readFileSync(join(ML100K, 'u.data'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('1\t') && l.endsWith('874965478'))
      .map((l) => l.split('\t')[1]);
    expect(first).toEqual(raw);
    expect(Number(ds.stats.plotMatchRate)).toBeGreaterThan(0.9);
    expect(ds.files.find((f) => f.path === 'u.data')!.sha256).toBe(
      '06416e597f82b7342361e41163890c81036900f418ad91315590814211dca490',
    );
  });

  it.skipIf(!existsSync(join(DATA, 'amazon-scientific')))('amazon-scientific: UniSRec counts', () => {
    const ds = loadDataset('amazon-scientific', join(DATA, 'amazon-scientific'));
    expect(ds.users.length).toBe(8442);
    expect(ds.items.length).toBe(4385);
    expect(ds.stats.interactions).toBe(59_427);
    expect(ds.stats.testTargetInHistory).toBe(50);
  });
});

describe.skipIf(!hasMl100k)('end to end on a sample of ml-100k', () => {
  it('runs the whole protocol on 100 users and writes the results files', async () => {
    const { main } = await import('../../eval/run.js');
    const { Progress } = await import('../../eval/progress.js');
    Progress.silent = true;
    const out = mkdtempSync(join(tmpdir(), 'tg-eval-'));
    const report = await main([
      '--dataset',
      'ml-100k',
      '--data',
      ML100K,
      '--users',
      '100',
      '--no-tune',
      '--no-compare-encoder',
      '--out',
      out,
    ]);
    expect(existsSync(join(out, 'ml-100k.json'))).toBe(true);
    expect(existsSync(join(out, 'ml-100k.md'))).toBe(true);
    expect(existsSync(join(out, 'ml-100k-ablation.png'))).toBe(true);
    expect(report.protocol.usersEvaluated).toBe(100);
    const names = report.results.test.map((r) => r.name);
    for (const n of [
      'most-popular',
      'item-kNN',
      'content-only',
      'Tastegraph (product defaults, --no-tune)',
      '- no decay',
      '- no collaborative',
    ])
      expect(names).toContain(n);
    for (const r of report.results.test) {
      expect(r.metrics.users).toBe(100);
      expect(r.historyItemsReturned).toBe(0);
      for (const v of [r.metrics['HR@10'], r.metrics['NDCG@10'], r.metrics.MRR, r.metrics['coverage@10']]) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
      expect(r.metrics['NDCG@10']).toBeLessThanOrEqual(r.metrics['HR@10']);
      expect(r.metrics['HR@20']).toBeGreaterThanOrEqual(r.metrics['HR@10'] - 0.1);
    }
    // most-popular on ML-100K sits well above random (10 / 1682) and the JSON holds aggregates only
    expect(report.results.test.find((r) => r.name === 'most-popular')!.metrics['HR@10']).toBeGreaterThan(0.02);
    expect(readFileSync(join(out, 'ml-100k.json'), 'utf8')).not.toMatch(/Toy Story/);
  }, 120_000);
});

describe('EASE experiment', () => {
  it('inverts a symmetric positive definite matrix in place', async () => {
    const { invertSpd } = await import('../../eval/ease.js');
    const a = Float64Array.from([4, 1, 2, 1, 3, 0.5, 2, 0.5, 5]);
    const orig = a.slice();
    invertSpd(a, 3);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += orig[i * 3 + k]! * a[k * 3 + j]!;
        expect(s).toBeCloseTo(i === j ? 1 : 0, 10);
      }
    }
  });
});

describe('generic format end to end', () => {
  it('runs the protocol on a synthetic dataset in the generic format', async () => {
    const { main } = await import('../../eval/run.js');
    const { Progress } = await import('../../eval/progress.js');
    Progress.silent = true;
    const dir = mkdtempSync(join(tmpdir(), 'tg-generic-run-'));
    const cats = ['Hiking', 'Cooking', 'Audio'];
    const items = Array.from({ length: 30 }, (_, i) => ({
      id: `p${i}`,
      title: `${cats[i % 3]} product ${i}`,
      description: `A ${cats[i % 3]!.toLowerCase()} item`,
      category: cats[i % 3],
      tags: [cats[i % 3]!],
    }));
    writeFileSync(join(dir, 'items.jsonl'), items.map((x) => JSON.stringify(x)).join('\n'));
    const rows = ['user,item,timestamp,type'];
    for (let u = 0; u < 40; u++) {
      const c = u % 3; // each user stays mostly in one category, walking through it in order
      for (let k = 0; k < 8; k++)
        rows.push(
          `u${u},p${(c + 3 * ((u + k) % 10)) % 30},${new Date(Date.UTC(2024, 0, 1 + k, u % 24)).toISOString()},PURCHASE`,
        );
    }
    writeFileSync(join(dir, 'interactions.csv'), rows.join('\n'));
    const out = mkdtempSync(join(tmpdir(), 'tg-generic-out-'));
    const report = await main([
      '--dataset',
      'generic',
      '--data',
      dir,
      '--no-tune',
      '--no-compare-encoder',
      '--out',
      out,
    ]);
    expect(report.protocol.usersEvaluated).toBe(40);
    expect(existsSync(join(out, 'generic.md'))).toBe(true);
    for (const r of report.results.test) expect(r.historyItemsReturned).toBe(0);
  }, 60_000);
});
