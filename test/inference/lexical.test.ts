import { describe, expect, it } from 'vitest';
import { dot } from '../../src/domain/vector.js';
import { itemText } from '../../src/inference/itemText.js';
import { LexicalEncoder } from '../../src/inference/lexical.js';

describe('LexicalEncoder', () => {
  const enc = new LexicalEncoder();

  it('has a stable id, kind and default dim', () => {
    expect(enc.id).toBe('lexical-v1-512');
    expect(enc.kind).toBe('lexical');
    expect(enc.dim).toBe(512);
    expect(new LexicalEncoder({ dim: 256 }).id).toBe('lexical-v1-256');
  });

  it('is deterministic across instances, and pinned to known values', async () => {
    const [a] = await enc.encodeBatch(['Trail running shoes, waterproof']);
    const [b] = await new LexicalEncoder().encodeBatch(['Trail running shoes, waterproof']);
    expect(Array.from(a!)).toEqual(Array.from(b!));
    // Pin a few coordinates so a change of hashing or weighting (which invalidates stored vectors) is noticed.
    const nz = Array.from(a!)
      .map((x, i) => [i, x] as const)
      .filter(([, x]) => Math.abs(x) > 1e-4);
    expect(nz.length).toBeGreaterThan(30);
    const sig = nz
      .slice(0, 3)
      .map(([i, x]) => `${i}:${x.toFixed(4)}`)
      .join(',');
    expect(sig).toBe(LEXICAL_SIGNATURE);
  });

  it('normalises to unit length; empty text is all zeros', async () => {
    const [v, z, p] = await enc.encodeBatch(['hello world', '', '!!! ...']);
    expect(Math.abs(Math.hypot(...v!) - 1)).toBeLessThan(1e-5);
    expect(Array.from(z!).every((x) => x === 0)).toBe(true);
    expect(Array.from(p!).every((x) => x === 0)).toBe(true);
  });

  it('puts similar texts closer than unrelated ones (words, inflections, accents)', async () => {
    const [q, near, inflected, far] = await enc.encodeBatch([
      'waterproof trail running shoes',
      'Trail-running shoes, waterproof and light',
      'runner shoe for trails',
      'stainless steel laboratory beaker set',
    ]);
    expect(dot(q!, near!)).toBeGreaterThan(0.5);
    expect(dot(q!, inflected!)).toBeGreaterThan(dot(q!, far!) + 0.1);
    const [cafe, cafe2] = await enc.encodeBatch(['Café crème', 'cafe creme']);
    expect(dot(cafe!, cafe2!)).toBeGreaterThan(0.999);
  });
});

describe('itemText', () => {
  it('orders title, category, tags, brand, then a truncated description; skips empty parts', () => {
    expect(
      itemText({
        title: 'Gorilla Glue',
        category: 'Adhesives',
        tags: ['glue', 'wood'],
        brand: 'Gorilla',
        description: 'Strong.',
      }),
    ).toBe('Gorilla Glue. Category: Adhesives. Tags: glue, wood. Brand: Gorilla. Strong.');
    expect(itemText({ title: 'Only a title', description: null, tags: [] })).toBe('Only a title.');
    const long = itemText({ title: 'T', description: 'word '.repeat(1000) });
    expect(long.length).toBeLessThan(700);
    expect(long.endsWith('…')).toBe(true);
  });
});

const LEXICAL_SIGNATURE = '4:-0.0955,18:0.0955,22:-0.1910';
