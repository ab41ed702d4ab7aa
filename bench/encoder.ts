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
import { itemText } from '../src/inference/itemText.js';
import { loadEncoder, type LoadedEncoder } from '../src/inference/loadEncoder.js';
import { buildOnnxModel, DType, type OnnxInitializer, type OnnxNode } from '../src/inference/onnxProto.js';
import { fitCatalogEncoder, fitWords } from '../src/inference/fit.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SHARED = process.env.TASTEGRAPH_SHARED_DIR
  ? resolve(process.env.TASTEGRAPH_SHARED_DIR)
  : resolve(ROOT, '..', 'shared');
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
  return {
    textsPerSec: r1(done / secs),
    textsPerCpuSec: r1(done / cpu),
    texts: done,
    p50BatchMs: r3(pct(lat, 50)),
    p99BatchMs: r3(pct(lat, 99)),
  };
}

async function measureService(
  enc: LoadedEncoder,
  texts: string[],
  concurrency: number,
  budgetS: number,
  offset: number,
) {
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

async function benchModel(
  name: string,
  enc: LoadedEncoder,
  texts: string[],
  extra: Record<string, unknown> = {},
  slow = false,
) {
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
    process.stderr.write(
      `  raw batch ${b}: ${raw[`batch${b}`]!.textsPerSec} texts/s (rounds ${raw[`batch${b}`]!.rounds.join(', ')})\n`,
    );
  }
  const service: Record<string, ReturnType<typeof median<Awaited<ReturnType<typeof measureService>>>>> = {};
  for (const c of CONCURRENCY) {
    const s = (service[`concurrency${c}`] = median(svcRounds.get(c)!));
    process.stderr.write(
      `  service x${c}: ${s.textsPerSec} texts/s (rounds ${s.rounds.join(', ')}), p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms, mean batch ${s.meanBatchSize}\n`,
    );
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
  if (existsSync(glove))
    models.push(await benchModel('glove-6B-50d-10k (static)', await loadEncoder({ modelDir: glove }), texts));

  const synDir = mkdtempSync(join(os.tmpdir(), 'tastegraph-bench-syn-'));
  try {
    const dir = join(synDir, 'synthetic-minilm-l6-shape');
    writeSyntheticMiniLM(dir, texts);
    models.push(
      await benchModel(
        'synthetic MiniLM-L6-shaped transformer (random weights)',
        await loadEncoder({ modelDir: dir }),
        texts,
        {
          note:
            'no pretrained transformer is available here: 6 layers, hidden 384, 12 heads, FFN 1536, real attention, ' +
            'WordPiece vocab from the texts, max 256 tokens, mean pooling; measures the transformer path at MiniLM-like cost',
        },
        true,
      ),
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
    models.push(
      await benchModel(`ENCODER_MODEL_DIR (${enc.describe().summary})`, enc, texts, {}, enc.kind === 'transformer'),
    );
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
      texts: {
        source,
        count: texts.length,
        meanChars: Math.round(texts.reduce((s, t) => s + t.length, 0) / texts.length),
      },
      rounds: `${ROUNDS} interleaved rounds of ${BUDGET_S} s per configuration, median reported (transformers: 1 round of ${SLOW_BUDGET_S} s)`,
      raw:
        'encoder.encodeBatch (tokenizer + ONNX session) on consecutive distinct texts, batch sizes ' +
        BATCHES.join(', '),
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

// A MiniLM-L6-shaped BERT encoder with random weights (6 layers, hidden 384, 12 heads, FFN 1536, real
// self-attention with the padding mask), so the benchmark can measure the transformer path at a realistic
// compute cost without pretrained weights (none can be downloaded here). Its vectors mean nothing.
function writeSyntheticMiniLM(
  dir: string,
  texts: string[],
  o: { layers?: number; hidden?: number; heads?: number; ffn?: number; maxLen?: number; vocabWords?: number } = {},
): void {
  const L = o.layers ?? 6;
  const d = o.hidden ?? 384;
  const h = o.heads ?? 12;
  const dh = d / h;
  const ffn = o.ffn ?? 1536;
  const maxLen = o.maxLen ?? 256;

  // WordPiece vocab: frequent words of the texts, then single characters as first and ## pieces.
  const freq = new Map<string, number>();
  for (const t of texts) for (const w of fitWords(t)) freq.set(w, (freq.get(w) ?? 0) + 1);
  const words = [...freq.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, o.vocabWords ?? 20_000)
    .map(([w]) => w);
  const chars = new Set<string>();
  for (const t of texts) for (const c of t.toLowerCase()) if (c.trim()) chars.add(c);
  const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
  const seen = new Set(vocab);
  const add = (t: string) => {
    if (!seen.has(t)) {
      seen.add(t);
      vocab.push(t);
    }
  };
  for (const c of chars) {
    add(c);
    add(`##${c}`);
  }
  for (const w of words) add(w);
  const V = vocab.length;

  let seed = 12345;
  const rnd = () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5) * 0.07; // uniform, std ~0.02
  };
  const inits: OnnxInitializer[] = [];
  const nodes: OnnxNode[] = [];
  const mat = (name: string, dims: number[]) => {
    const n = dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = rnd();
    inits.push({ name, type: DType.FLOAT, dims, data });
    return name;
  };
  const constF = (name: string, dims: number[], v: number) => {
    inits.push({ name, type: DType.FLOAT, dims, data: new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(v) });
    return name;
  };
  const constI = (name: string, vals: number[]) => {
    inits.push({ name, type: DType.INT64, dims: [vals.length], data: BigInt64Array.from(vals.map(BigInt)) });
    return name;
  };
  const node = (op: string, inputs: string[], output: string, attrs?: OnnxNode['attrs']) => {
    nodes.push({ op, inputs, outputs: [output], attrs });
    return output;
  };
  inits.push({ name: 'i0', type: DType.INT64, dims: [], data: BigInt64Array.from([0n]) });
  inits.push({ name: 'i1', type: DType.INT64, dims: [], data: BigInt64Array.from([1n]) });
  constF('ones', [d], 1);
  constF('zeros', [d], 0);
  const ln = (x: string, out: string) =>
    node('LayerNormalization', [x, 'ones', 'zeros'], out, { axis: -1, epsilon: { float: 1e-12 } });

  // Embeddings.
  const xw = node('Gather', [mat('wemb', [V, d]), 'input_ids'], 'xw', { axis: 0 });
  const shp = node('Shape', ['input_ids'], 'shp');
  const slen = node('Gather', [shp, 'i1'], 'slen', { axis: 0 });
  const pos = node('Range', ['i0', slen, 'i1'], 'pos');
  const xp = node('Gather', [mat('pemb', [512, d]), pos], 'xp', { axis: 0 });
  const xt = node('Gather', [mat('temb', [2, d]), 'token_type_ids'], 'xt', { axis: 0 });
  let x = ln(node('Add', [node('Add', [xw, xp], 'e1'), xt], 'e2'), 'x0');

  // Additive mask bias [b, 1, 1, s]: 0 for tokens, -10000 for padding.
  const mf = node('Cast', ['attention_mask'], 'mf', { to: DType.FLOAT });
  const inv = node('Sub', [constF('one', [], 1), mf], 'minv');
  const bias = node('Mul', [inv, constF('neg', [], -10000)], 'mbias2');
  const mbias = node('Unsqueeze', [bias, constI('ax12', [1, 2])], 'mbias');
  const split = constI('shape_bshd', [0, 0, h, dh]);
  const merge = constI('shape_bsd', [0, 0, d]);
  const scale = constF('scale', [], 1 / Math.sqrt(dh));

  for (let l = 0; l < L; l++) {
    const p = `l${l}_`;
    const proj = (w: string, perm: number[]) =>
      node(
        'Transpose',
        [node('Reshape', [node('MatMul', [x, mat(p + w, [d, d])], p + w + 'x'), split], p + w + 'r')],
        p + w + 't',
        { perm },
      );
    const q = proj('q', [0, 2, 1, 3]);
    const k = proj('k', [0, 2, 3, 1]);
    const v = proj('v', [0, 2, 1, 3]);
    const scores = node('Add', [node('Mul', [node('MatMul', [q, k], p + 'qk'), scale], p + 'qks'), mbias], p + 'sc');
    const probs = node('Softmax', [scores], p + 'pr', { axis: -1 });
    const ctx = node(
      'Reshape',
      [node('Transpose', [node('MatMul', [probs, v], p + 'cv')], p + 'ct', { perm: [0, 2, 1, 3] }), merge],
      p + 'cm',
    );
    const attn = node('MatMul', [ctx, mat(p + 'o', [d, d])], p + 'ao');
    const x1 = ln(node('Add', [x, attn], p + 'r1'), p + 'ln1');
    const f1 = node('Relu', [node('MatMul', [x1, mat(p + 'f1', [d, ffn])], p + 'f1x')], p + 'f1r');
    const f2 = node('MatMul', [f1, mat(p + 'f2', [ffn, d])], p + 'f2x');
    x = ln(node('Add', [x1, f2], p + 'r2'), l === L - 1 ? 'last_hidden_state' : p + 'ln2');
  }

  const bytes = buildOnnxModel({
    name: 'synthetic_minilm',
    nodes,
    initializers: inits,
    inputs: ['input_ids', 'attention_mask', 'token_type_ids'].map((name) => ({
      name,
      type: DType.INT64,
      shape: ['batch', 'seq'],
    })),
    outputs: [{ name: 'last_hidden_state', type: DType.FLOAT, shape: ['batch', 'seq', d] }],
  });
  mkdirSync(join(dir, '1_Pooling'), { recursive: true });
  writeFileSync(join(dir, 'model.onnx'), bytes);
  writeFileSync(
    join(dir, 'tokenizer.json'),
    JSON.stringify({
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: vocab.slice(0, 5).map((content, id) => ({
        id,
        content,
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: true,
      })),
      normalizer: {
        type: 'BertNormalizer',
        clean_text: true,
        handle_chinese_chars: true,
        strip_accents: true,
        lowercase: true,
      },
      pre_tokenizer: { type: 'BertPreTokenizer' },
      post_processor: {
        type: 'TemplateProcessing',
        single: [
          { SpecialToken: { id: '[CLS]', type_id: 0 } },
          { Sequence: { id: 'A', type_id: 0 } },
          { SpecialToken: { id: '[SEP]', type_id: 0 } },
        ],
        pair: [],
        special_tokens: {
          '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] },
          '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] },
        },
      },
      decoder: null,
      model: {
        type: 'WordPiece',
        unk_token: '[UNK]',
        continuing_subword_prefix: '##',
        max_input_chars_per_word: 100,
        vocab: Object.fromEntries(vocab.map((t, i) => [t, i])),
      },
    }),
  );
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({ model_type: 'bert', hidden_size: d, num_hidden_layers: L, max_position_embeddings: 512 }),
  );
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ model_max_length: 512, pad_token: '[PAD]' }));
  writeFileSync(join(dir, 'sentence_bert_config.json'), JSON.stringify({ max_seq_length: maxLen }));
  writeFileSync(
    join(dir, '1_Pooling', 'config.json'),
    JSON.stringify({ word_embedding_dimension: d, pooling_mode_mean_tokens: true, pooling_mode_cls_token: false }),
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:encoder failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
