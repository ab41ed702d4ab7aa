// npm run bench:encoder -> bench/results/encoder.json
// For each available model: raw tokenizer+session throughput (encodeBatch directly) at batch 1, 32, 128 on
// real item texts, and the EncoderService path with 1, 16, 64 concurrent callers each sending one distinct text
// (cache off), with per-call p50/p99 latency. Models: lexical; a catalog encoder fitted here on the same texts;
// the GloVe static model in ../shared/models; any model in ENCODER_MODEL_DIR.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { EncoderService } from '../src/inference/encoderService.js';
import { fitCatalogEncoder } from '../src/inference/fit.js';
import { itemText } from '../src/inference/itemText.js';
import { loadEncoder, type LoadedEncoder } from '../src/inference/loadEncoder.js';
import { writeSyntheticMiniLM } from './syntheticBert.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SHARED = process.env.TASTEGRAPH_SHARED_DIR ? resolve(process.env.TASTEGRAPH_SHARED_DIR) : resolve(ROOT, '..', 'shared');
// Other processes share this machine's cores, so each configuration is measured in several short rounds,
// interleaved (raw and service alternate), and the median round is reported.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const BUDGET_S = Number(process.env.BENCH_SECONDS ?? 0.5); // per measurement per round (fast models)
const SLOW_BUDGET_S = Number(process.env.BENCH_SLOW_SECONDS ?? 8); // transformer models, one round
const BATCHES = [1, 32, 128];
const CONCURRENCY = [1, 16, 64];
const SERVICE_OPTS = { maxBatchSize: 64, maxWaitMs: 2, cacheSize: 0 };

function loadTexts(): { source: string; texts: string[] } {
  const sci = join(SHARED, 'data', 'amazon-scientific', 'Scientific.item_desc.jsonl');
  if (existsSync(sci)) {
    const texts = readFileSync(sci, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, string | undefined>)
      .map((r) =>
        r.title
          ? itemText({
              title: r.title,
              category: (r.categories ?? '').split(',').slice(1).join(' > ') || null,
              brand: r.brand ?? null,
              description: r.description ?? null,
            })
          : (r.unisrec_text ?? '').trim(),
      )
      .filter(Boolean);
    return { source: 'amazon-scientific/Scientific.item_desc.jsonl via itemText()', texts };
  }
  const ml = join(SHARED, 'data', 'ml-1m');
  if (existsSync(join(ml, 'movies_extrainfos.dat.gz'))) {
    const texts = gunzipSync(readFileSync(join(ml, 'movies_extrainfos.dat.gz')))
      .toString('utf8')
      .split(/\r?\n/)
      .map((l) => l.split('::'))
      .filter((f) => f.length >= 11)
      .map((f) => itemText({ title: `${f[1]} (${f[2]})`, category: f[5], description: f[9] === 'N/A' ? null : f[9] }));
    return { source: 'ml-1m/movies_extrainfos.dat.gz via itemText()', texts };
  }
  throw new Error(`no item texts under ${SHARED}/data (set TASTEGRAPH_SHARED_DIR)`);
}

function pct(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const r1 = (x: number) => Math.round(x * 10) / 10;
const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** CPU seconds (all threads of this process) since c0. */
function cpuSeconds(c0: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(c0);
  return (d.user + d.system) / 1e6;
}

/** A distinct text for every index (wraps around the corpus with a suffix). */
function textAt(texts: string[], i: number): string {
  const round = Math.floor(i / texts.length);
  const t = texts[i % texts.length]!;
  return round ? `${t} (${round})` : t;
}

async function measureRaw(enc: LoadedEncoder, texts: string[], batch: number, budgetS: number, offset: number) {
  const lat: number[] = [];
  let done = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < budgetS * 1000) {
    const chunk = Array.from({ length: batch }, (_, k) => textAt(texts, offset + done + k));
    const s = performance.now();
    await enc.encodeBatch(chunk);
    lat.push(performance.now() - s);
    done += batch;
  }
  const secs = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(c0);
  lat.sort((a, b) => a - b);
  return { textsPerSec: r1(done / secs), textsPerCpuSec: r1(done / cpu), texts: done, p50BatchMs: r3(pct(lat, 50)), p99BatchMs: r3(pct(lat, 99)) };
}

async function measureService(enc: LoadedEncoder, texts: string[], concurrency: number, budgetS: number, offset: number) {
  const svc = new EncoderService(enc, SERVICE_OPTS);
  const lat: number[] = [];
  let next = offset;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const deadline = t0 + budgetS * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const text = textAt(texts, next++);
        const s = performance.now();
        await svc.encode(text);
        lat.push(performance.now() - s);
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(c0);
  lat.sort((a, b) => a - b);
  const st = svc.stats();
  return {
    textsPerSec: r1(lat.length / secs),
    textsPerCpuSec: r1(lat.length / cpu),
    calls: lat.length,
    p50Ms: r3(pct(lat, 50)),
    p99Ms: r3(pct(lat, 99)),
    batches: st.batches,
    meanBatchSize: r1(st.texts / Math.max(1, st.batches)),
  };
}

function median<T extends { textsPerSec: number }>(rounds: T[]): T & { rounds: number[] } {
  const sorted = [...rounds].sort((a, b) => a.textsPerSec - b.textsPerSec);
  return { ...sorted[Math.floor((sorted.length - 1) / 2)]!, rounds: rounds.map((r) => r.textsPerSec) };
}

async function benchModel(name: string, enc: LoadedEncoder, texts: string[], extra: Record<string, unknown> = {}, slow = false) {
  process.stderr.write(`bench: ${name} (${enc.describe().summary})\n`);
  await enc.encodeBatch(texts.slice(0, 64)); // warm up
  const budget = slow ? SLOW_BUDGET_S : BUDGET_S;
  const rounds = slow ? 1 : ROUNDS;
  const rawRounds = new Map<number, Array<Awaited<ReturnType<typeof measureRaw>>>>();
  const svcRounds = new Map<number, Array<Awaited<ReturnType<typeof measureService>>>>();
  let offset = 64;
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < BATCHES.length; i++) {
      const m = await measureRaw(enc, texts, BATCHES[i]!, budget, offset);
      offset += m.texts;
      rawRounds.set(BATCHES[i]!, [...(rawRounds.get(BATCHES[i]!) ?? []), m]);
      const s = await measureService(enc, texts, CONCURRENCY[i]!, budget, offset);
      offset += s.calls;
      svcRounds.set(CONCURRENCY[i]!, [...(svcRounds.get(CONCURRENCY[i]!) ?? []), s]);
    }
  }
  const raw: Record<string, ReturnType<typeof median<Awaited<ReturnType<typeof measureRaw>>>>> = {};
  for (const b of BATCHES) {
    raw[`batch${b}`] = median(rawRounds.get(b)!);
    process.stderr.write(`  raw batch ${b}: ${raw[`batch${b}`]!.textsPerSec} texts/s (rounds ${raw[`batch${b}`]!.rounds.join(', ')})\n`);
  }
  const service: Record<string, ReturnType<typeof median<Awaited<ReturnType<typeof measureService>>>>> = {};
  for (const c of CONCURRENCY) {
    const s = (service[`concurrency${c}`] = median(svcRounds.get(c)!));
    process.stderr.write(`  service x${c}: ${s.textsPerSec} texts/s (rounds ${s.rounds.join(', ')}), p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms, mean batch ${s.meanBatchSize}\n`);
  }
  const s64 = service.concurrency64!.textsPerSec;
  const ratios = {
    service64_over_raw32: r3(s64 / raw.batch32!.textsPerSec),
    service64_over_unbatched: r3(s64 / raw.batch1!.textsPerSec),
    service64_over_service1: r3(s64 / service.concurrency1!.textsPerSec),
    // The same ratios per CPU-second of this process (less sensitive to other processes on the machine).
    cpu_service64_over_raw32: r3(service.concurrency64!.textsPerCpuSec / raw.batch32!.textsPerCpuSec),
    cpu_service64_over_unbatched: r3(service.concurrency64!.textsPerCpuSec / raw.batch1!.textsPerCpuSec),
  };
  return {
    name,
    id: enc.id,
    kind: enc.kind,
    dim: enc.dim,
    ...extra,
    measurement: { rounds, secondsPerRound: budget },
    raw,
    service,
    ratios,
    targets: {
      service64_at_least_90pct_of_raw32: ratios.service64_over_raw32 >= 0.9,
      service64_at_least_5x_unbatched: ratios.service64_over_unbatched >= 5,
    },
  };
}

async function main() {
  const started = Date.now();
  const loadAtStart = os.loadavg().map(r3);
  const { source, texts } = loadTexts();
  const ortVersion = (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version;
  const cpus = os.cpus();
  const models: unknown[] = [];

  models.push(
    await benchModel('lexical', await loadEncoder({}), texts, {
      note: 'pure TS, no per-call overhead to amortise: batching cannot give a 5x gain here',
    }),
  );

  const fitDir = mkdtempSync(join(os.tmpdir(), 'tastegraph-bench-fit-'));
  try {
    const t0 = Date.now();
    const fit = await fitCatalogEncoder(texts, { outDir: join(fitDir, 'catalog-amazon-scientific'), dim: 128 });
    const fitSeconds = (Date.now() - t0) / 1000;
    process.stderr.write(`bench: fitted catalog encoder on ${texts.length} texts in ${fitSeconds.toFixed(1)} s\n`);
    models.push(
      await benchModel('catalog (fitted on the bench texts)', await loadEncoder({ modelDir: fit.outDir }), texts, {
        fit: { texts: texts.length, vocabSize: fit.vocabSize, dim: fit.dim, seconds: r1(fitSeconds) },
      }),
    );
  } finally {
    rmSync(fitDir, { recursive: true, force: true });
  }

  const glove = join(SHARED, 'models', 'glove-6B-50d-10k');
  if (existsSync(glove)) models.push(await benchModel('glove-6B-50d-10k (static)', await loadEncoder({ modelDir: glove }), texts));

  const synDir = mkdtempSync(join(os.tmpdir(), 'tastegraph-bench-syn-'));
  try {
    const dir = join(synDir, 'synthetic-minilm-l6-shape');
    writeSyntheticMiniLM(dir, texts);
    models.push(
      await benchModel('synthetic MiniLM-L6-shaped transformer (random weights)', await loadEncoder({ modelDir: dir }), texts, {
        note:
          'no pretrained transformer is available here: 6 layers, hidden 384, 12 heads, FFN 1536, real attention, ' +
          'WordPiece vocab from the texts, max 256 tokens, mean pooling; measures the transformer path at MiniLM-like cost',
      }, true),
    );
  } finally {
    rmSync(synDir, { recursive: true, force: true });
  }

  if (process.env.ENCODER_MODEL_DIR) {
    const enc = await loadEncoder({
      modelDir: process.env.ENCODER_MODEL_DIR,
      device: process.env.ENCODER_DEVICE === 'cuda' ? 'cuda' : 'cpu',
      threads: process.env.ENCODER_THREADS ? Number(process.env.ENCODER_THREADS) : undefined,
    });
    models.push(await benchModel(`ENCODER_MODEL_DIR (${enc.describe().summary})`, enc, texts, {}, enc.kind === 'transformer'));
  }

  const result = {
    generatedAt: new Date().toISOString(),
    machine: {
      cpuModel: cpus[0]?.model ?? 'unknown',
      cpuCount: cpus.length,
      memoryGiB: r1(os.totalmem() / 2 ** 30),
      platform: `${os.platform()} ${os.release()} ${os.arch()}`,
      node: process.version,
      onnxruntimeNode: ortVersion,
      device: process.env.ENCODER_DEVICE ?? 'cpu',
      loadAverageAtStart: loadAtStart,
      note: 'a 2-core machine shared with other processes while measuring; figures vary run to run',
    },
    method: {
      texts: { source, count: texts.length, meanChars: Math.round(texts.reduce((s, t) => s + t.length, 0) / texts.length) },
      rounds: `${ROUNDS} interleaved rounds of ${BUDGET_S} s per configuration, median reported (transformers: 1 round of ${SLOW_BUDGET_S} s)`,
      raw: 'encoder.encodeBatch (tokenizer + ONNX session) on consecutive distinct texts, batch sizes ' + BATCHES.join(', '),
      service: `EncoderService ${JSON.stringify(SERVICE_OPTS)}; N concurrent callers each awaiting encode(one distinct text) in a loop`,
      targets: 'service at concurrency 64 >= 90% of raw batch-32 throughput and >= 5x raw batch-1 (unbatched)',
      cpu: 'textsPerCpuSec divides by the CPU time of this process (all threads), not wall time',
    },
    models,
    loadAverageAtEnd: os.loadavg().map(r3),
    totalSeconds: r1((Date.now() - started) / 1000),
  };
  const out = join(ROOT, 'bench', 'results', 'encoder.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  process.stderr.write(`bench: wrote ${out} in ${result.totalSeconds} s\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:encoder failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
