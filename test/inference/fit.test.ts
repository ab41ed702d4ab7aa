import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Tokenizer } from '@huggingface/tokenizers';
import { afterAll, describe, expect, it } from 'vitest';
import { dot } from '../../src/domain/vector.js';
import { fitCatalogEncoder, fitWords } from '../../src/inference/fit.js';
import { loadEncoder } from '../../src/inference/loadEncoder.js';
import { parseSafetensors } from '../../src/inference/safetensors.js';

const root = mkdtempSync(join(tmpdir(), 'tastegraph-fit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// A small synthetic corpus with two clear topics (enough for co-occurrence to separate them).
const SPACE = ['starship', 'galaxy', 'rebels', 'planet', 'empire', 'laser', 'pilot', 'alien', 'orbit', 'space'];
const KITCHEN = ['recipe', 'oven', 'bread', 'flour', 'butter', 'sugar', 'bake', 'dough', 'cake', 'kitchen'];
function corpus(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const topic = i % 2 ? SPACE : KITCHEN;
    const ws = Array.from({ length: 12 }, (_, k) => topic[(i * 3 + k * 7) % topic.length]!);
    out.push(`The ${ws.slice(0, 6).join(' ')}, and the ${ws.slice(6).join(' ')}.`);
  }
  return out;
}

describe('fitCatalogEncoder', () => {
  it('writes a static model that loads, and separates topics', async () => {
    const outDir = join(root, 'fitted');
    const phases = new Set<string>();
    const res = await fitCatalogEncoder(corpus(400), { outDir, dim: 8, onProgress: (_d, _t, p) => phases.add(p) });
    expect(res.vocabSize).toBe(22); // 20 topic words + "the" + "and"
    expect(res.dim).toBe(8);
    expect([...phases]).toEqual(expect.arrayContaining(['tokenize', 'cooccur', 'ppmi', 'svd', 'write']));
    const st = parseSafetensors(readFileSync(join(outDir, 'model.safetensors')));
    expect(st.get('embeddings')).toMatchObject({ dtype: 'F32', shape: [23, 8] });
    const tok = new Tokenizer(JSON.parse(readFileSync(join(outDir, 'tokenizer.json'), 'utf8')), {});
    expect(tok.encode('Galaxy-Rebels café', { add_special_tokens: false }).tokens).toEqual([
      'galaxy',
      '[UNK]',
      'rebels',
      '[UNK]',
    ]);

    const enc = await loadEncoder({ modelDir: outDir });
    expect(enc.kind).toBe('static');
    const [q, same, other] = await enc.encodeBatch([
      'rebels in the galaxy',
      'a starship pilot in orbit',
      'bread dough and butter',
    ]);
    expect(dot(q!, same!)).toBeGreaterThan(dot(q!, other!) + 0.3);
  });

  it('re-running overwrites the directory atomically and leaves no temp dirs', async () => {
    const outDir = join(root, 'again');
    await fitCatalogEncoder(corpus(100), { outDir, dim: 4 });
    const first = readFileSync(join(outDir, 'model.safetensors'));
    await fitCatalogEncoder(corpus(300), { outDir, dim: 6 });
    const second = readFileSync(join(outDir, 'model.safetensors'));
    expect(Buffer.compare(first, second)).not.toBe(0);
    expect(JSON.parse(readFileSync(join(outDir, 'config.json'), 'utf8')).hidden_dim).toBe(6);
    expect(readdirSync(root).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('is deterministic', async () => {
    await fitCatalogEncoder(corpus(200), { outDir: join(root, 'd1'), dim: 6 });
    await fitCatalogEncoder(corpus(200), { outDir: join(root, 'd2'), dim: 6 });
    expect(
      readFileSync(join(root, 'd1', 'model.safetensors')).equals(readFileSync(join(root, 'd2', 'model.safetensors'))),
    ).toBe(true);
  });

  it('refuses a corpus with no repeated words', async () => {
    await expect(fitCatalogEncoder(['one two three'], { outDir: join(root, 'tiny') })).rejects.toThrow(/minCount/);
  });

  it('fitWords matches the tokenizer (lowercase, accents stripped, punctuation split)', () => {
    expect(fitWords("Sci-Fi CAFÉ don't R2-D2")).toEqual(['sci', 'fi', 'cafe', 'don', 't', 'r2', 'd2']);
  });

  it('the CLI fits from a text file and prints usage without input', () => {
    const textFile = join(root, 'texts.txt');
    writeFileSync(textFile, corpus(60).join('\n'));
    const out = join(root, 'cli-out');
    const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
    execFileSync(tsx, ['src/cli/fitEncoder.ts', '--out', out, '--text', textFile, '--dim', '4'], { stdio: 'pipe' });
    expect(existsSync(join(out, 'model.safetensors'))).toBe(true);
    let msg = '';
    try {
      execFileSync(tsx, ['src/cli/fitEncoder.ts', '--out', out], { stdio: 'pipe' });
    } catch (e) {
      msg = String((e as { stderr: Buffer }).stderr);
    }
    expect(msg).toMatch(/usage/i);
  });
});
