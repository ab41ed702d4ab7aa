// Writes eval/results/<dataset>.json and .md. Aggregates only: never per-user lists or item texts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MethodResult } from './method.js';
import { METRIC_KEYS } from './metrics.js';

export interface TuningStep {
  step: string;
  setting: Record<string, unknown>;
  ndcg10: number;
  hr10: number;
  chosen?: boolean;
}

export interface EvalReport {
  dataset: string;
  generatedAt: string;
  /** git HEAD (short) of the product code that produced the figures. */
  productCode?: string;
  command: string;
  machine: { cpus: number; cpuModel: string; node: string; platform: string };
  data: {
    dir: string;
    files: Array<{ path: string; bytes: number; sha256: string }>;
    timing: string;
    syntheticSpacingMs: number | null;
    notes: string[];
    stats: Record<string, number | string>;
  };
  protocol: Record<string, unknown>;
  encoder: Record<string, unknown>;
  tuning: {
    performed: boolean;
    tunedOnUsers: number;
    steps: TuningStep[];
    chosen: Record<string, unknown> | null;
    note: string;
  };
  /** testProtocolB: nothing excluded from the ranking (RecBole sequential full-sort); absent in older files. */
  results: { test: MethodResult[]; val: MethodResult[]; testProtocolB?: MethodResult[] };
  /** Validation search of the baselines with hyper-parameters (V-SKNN, EASE lambda). */
  baselineTuning?: TuningStep[];
  target: Record<string, unknown>;
  timings: Record<string, number | string>;
  graphql?: Record<string, unknown>;
  missing: string[];
}

const f4 = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : '–');

export function markdownTable(rows: MethodResult[]): string {
  const head = `| method | kind | ${METRIC_KEYS.join(' | ')} | users | time (s) |`;
  const sep = `|---|---|${METRIC_KEYS.map(() => '---:').join('|')}|---:|---:|`;
  const body = rows.map(
    (r) =>
      `| ${r.name} | ${r.group} | ${METRIC_KEYS.map((k) => f4(r.metrics[k])).join(' | ')} | ${r.metrics.users} | ${r.seconds.toFixed(1)} |`,
  );
  return [head, sep, ...body].join('\n');
}

export function renderMarkdown(r: EvalReport): string {
  const lines: string[] = [];
  lines.push(`# Tastegraph offline evaluation: ${r.dataset}`);
  lines.push('');
  lines.push(
    `Generated ${r.generatedAt} by \`${r.command}\` on ${r.machine.cpus} x ${r.machine.cpuModel}, Node ${r.machine.node}${r.productCode ? `, product code ${r.productCode}` : ''}. Total run time ${r.timings.totalSeconds} s.`,
  );
  lines.push('');
  lines.push('## Protocol');
  lines.push('');
  lines.push(String(r.protocol.summary ?? ''));
  lines.push('');
  for (const n of r.data.notes) lines.push(`- ${n}`);
  lines.push(
    `- Users evaluated: ${r.protocol.usersEvaluated}; dropped (< ${r.protocol.minInteractions} interactions): ${r.protocol.droppedUsers}${r.protocol.sampledOut ? `; left out by --users sampling: ${r.protocol.sampledOut}` : ''}.`,
  );
  lines.push(`- Encoder: \`${r.encoder.id}\` (${r.encoder.kind}, dim ${r.encoder.dim}, --encoder ${r.encoder.spec}).`);
  lines.push(`- Leak check: ${r.protocol.leakCheck}`);
  lines.push('');
  lines.push('## Test results (last interaction per user, full catalogue ranking)');
  lines.push('');
  lines.push(markdownTable(r.results.test));
  lines.push('');
  lines.push(
    `MRR is MRR@${r.protocol.depth}: reciprocal rank within the first ${r.protocol.depth} (targets ranked lower count 0). Coverage@10 = distinct items in all top-10 lists / catalogue size. Diversity@10 = 1 - mean pairwise cosine of the top-10 item vectors (encoder \`${r.encoder.id}\`).`,
  );
  lines.push('');
  if (r.results.testProtocolB?.length) {
    lines.push('## Protocol A (history excluded) vs protocol B (nothing excluded), test NDCG@10 / HR@10');
    lines.push('');
    lines.push(
      'Protocol A is the table above (and the target check). Protocol B ranks the full catalogue with nothing excluded, as RecBole does for sequential models: a history item in the list takes a slot, and a target that repeats a history item can be hit. Tastegraph never recommends a consumed item, so its B list is its A list.',
    );
    lines.push('');
    lines.push('| method | NDCG@10 (A) | HR@10 (A) | NDCG@10 (B) | HR@10 (B) |');
    lines.push('|---|---:|---:|---:|---:|');
    for (const b of r.results.testProtocolB) {
      const a = r.results.test.find((x) => x.name === b.name);
      lines.push(
        `| ${b.name} | ${f4(a?.metrics['NDCG@10'] ?? Number.NaN)} | ${f4(a?.metrics['HR@10'] ?? Number.NaN)} | ${f4(b.metrics['NDCG@10'])} | ${f4(b.metrics['HR@10'])} |`,
      );
    }
    lines.push('');
  }
  lines.push('## Target: Tastegraph beats every baseline by at least 20% NDCG@10');
  lines.push('');
  for (const [k, v] of Object.entries(r.target)) lines.push(`- ${k}: ${typeof v === 'number' ? f4(v) : String(v)}`);
  lines.push('');
  lines.push('## Tuning (validation targets only)');
  lines.push('');
  lines.push(r.tuning.note);
  lines.push('');
  if (r.tuning.steps.length) {
    lines.push('| step | setting | NDCG@10 (val) | HR@10 (val) | chosen |');
    lines.push('|---|---|---:|---:|:---:|');
    for (const s of r.tuning.steps)
      lines.push(
        `| ${s.step} | \`${JSON.stringify(s.setting)}\` | ${f4(s.ndcg10)} | ${f4(s.hr10)} | ${s.chosen ? 'yes' : ''} |`,
      );
    lines.push('');
  }
  lines.push(`Chosen setting (used once for every test figure above): \`${JSON.stringify(r.tuning.chosen)}\``);
  lines.push('');
  if (r.baselineTuning?.length) {
    lines.push('Baselines with hyper-parameters, chosen on validation NDCG@10 the same way:');
    lines.push('');
    lines.push('| baseline | setting | NDCG@10 (val) | HR@10 (val) | chosen |');
    lines.push('|---|---|---:|---:|:---:|');
    for (const s of r.baselineTuning)
      lines.push(
        `| ${s.step} | \`${JSON.stringify(s.setting)}\` | ${f4(s.ndcg10)} | ${f4(s.hr10)} | ${s.chosen ? 'yes' : ''} |`,
      );
  }
  lines.push('');
  if (r.results.val.length) {
    lines.push('## Validation results (second-to-last interaction)');
    lines.push('');
    lines.push(markdownTable(r.results.val));
    lines.push('');
  }
  if (r.graphql) {
    lines.push('## GraphQL path vs in-process path');
    lines.push('');
    for (const [k, v] of Object.entries(r.graphql))
      lines.push(`- ${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
    lines.push('');
  }
  lines.push('## Run time');
  lines.push('');
  for (const [k, v] of Object.entries(r.timings)) lines.push(`- ${k}: ${v}`);
  lines.push('');
  if (r.missing.length) {
    lines.push('## Not run / missing');
    lines.push('');
    for (const m of r.missing) lines.push(`- ${m}`);
    lines.push('');
  }
  lines.push('## Data files read (sha256)');
  lines.push('');
  lines.push('| file | bytes | sha256 |');
  lines.push('|---|---:|---|');
  for (const f of r.data.files) lines.push(`| ${f.path} | ${f.bytes} | \`${f.sha256}\` |`);
  lines.push('');
  lines.push(
    'Plots: `' +
      `${r.dataset}-ablation.png` +
      '` (NDCG@10 per method, test) and `' +
      `${r.dataset}-halflife.png` +
      '` (NDCG@10 on validation against the long-term half-life).',
  );
  return lines.join('\n') + '\n';
}

export function writeReport(dir: string, r: EvalReport): { json: string; md: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, `${r.dataset}.json`);
  const md = join(dir, `${r.dataset}.md`);
  writeFileSync(json, JSON.stringify(r, null, 2) + '\n');
  writeFileSync(md, renderMarkdown(r));
  return { json, md };
}
