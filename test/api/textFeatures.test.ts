// Language-model feature extraction from review text through an OpenAI-compatible endpoint in JSON mode:
// asynchronous, cached, read-side only (stored profile versions never change), rules as the fallback.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFeatures } from '../../src/services/textFeatures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

interface ChatRequest {
  model: string;
  response_format?: { type: string };
  messages: Array<{ role: string; content: string }>;
}

interface FeaturesAnswer {
  user: {
    profile: {
      version: number;
      textFeatures: {
        source: string;
        model: string | null;
        texts: number;
        extracted: number;
        opinion: number | null;
        interests: Array<{ value: string; weight: number }>;
        aspects: Array<{ value: string; weight: number }>;
      };
    };
  };
}
const FEATURES = `{ version textFeatures { source model texts extracted opinion interests { value weight } aspects { value weight } } }`;

describe('text features extracted by an LLM (JSON mode), read-side only', () => {
  let llm: Server;
  let server: TestServer;
  const requests: ChatRequest[] = [];
  let mode: 'ok' | 'fail' | 'garbage' = 'ok';
  let release: () => void = () => {};
  let gate = Promise.resolve();

  beforeAll(async () => {
    llm = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', async () => {
        await gate;
        const parsed = JSON.parse(body) as ChatRequest;
        requests.push(parsed);
        if (mode === 'fail') return void res.writeHead(503).end('{"error":"overloaded"}');
        const text = parsed.messages.at(-1)!.content;
        const content =
          mode === 'garbage'
            ? 'Sure! Here are the features: smell is bad'
            : JSON.stringify({
                interests: text.includes('tea tree') ? ['tea tree oil', 'natural hair care'] : ['hair care'],
                aspects: [
                  { aspect: 'Smell', opinion: text.includes('awful') ? -0.9 : 0.8 },
                  { aspect: 'price', opinion: 'cheap' }, // not a number: dropped
                ],
                opinion: text.includes('awful') ? -0.8 : 0.7,
              });
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content } }] }));
      });
    });
    await new Promise<void>((r) => llm.listen(0, '127.0.0.1', r));
    const port = (llm.address() as AddressInfo).port;
    server = await startTestServer('sqlite', { LLM_BASE_URL: `http://127.0.0.1:${port}/v1`, LLM_MODEL: 'feat-model' });
    await server.gql(
      `mutation { upsertItems(items: [{ id: "s", title: "Tea tree shampoo", category: "Hair" }]) { count } }`,
    );
  });
  afterAll(async () => {
    release();
    await server?.stop();
    llm?.close();
  });

  const review = (u: string, text: string) =>
    server.gql(
      `mutation($u: ID!, $x: String!) { recordBehavior(input: { userId: $u, itemId: "s", type: REVIEW, text: $x }) { duplicate } }`,
      { u, x: text },
    );
  const features = async (u: string) =>
    (await server.gql<FeaturesAnswer>(`{ user(id: "${u}") { profile ${FEATURES} } }`)).data!.user.profile;

  it('answers with the rules at once; the LLM features appear later without changing the stored profile', async () => {
    gate = new Promise<void>((r) => (release = r)); // the LLM answers only after the mutation has returned
    expect((await review('u1', 'The tea tree smell is awful, it burned my scalp.')).errors).toBeUndefined();
    const first = await features('u1');
    expect(first.textFeatures).toMatchObject({ source: 'rules', model: null, texts: 1, extracted: 0, interests: [] });
    expect(first.textFeatures.opinion).toBeLessThan(0);
    expect(first.textFeatures.aspects.find((a) => a.value === 'smell')!.weight).toBeLessThan(0);
    const storedBefore = Buffer.from((await server.services.store.getProfile('u1'))!.state);

    release();
    await server.services.textFeatures!.idle();
    const later = await features('u1');
    expect(later.version).toBe(first.version); // no new version, nothing rewritten
    expect(later.textFeatures).toMatchObject({ source: 'llm', model: 'feat-model', texts: 1, extracted: 1 });
    expect(later.textFeatures.interests.map((i) => i.value)).toEqual(['natural hair care', 'tea tree oil']);
    expect(later.textFeatures.aspects).toEqual([{ value: 'smell', weight: -0.9 }]);
    expect(later.textFeatures.opinion).toBeCloseTo(-0.8);
    expect(Buffer.from((await server.services.store.getProfile('u1'))!.state).equals(storedBefore)).toBe(true);
    const req = requests.filter((r) => r.response_format).at(-1)!; // (the summary rewriter asks too)
    expect(req.model).toBe('feat-model');
    expect(req.response_format).toEqual({ type: 'json_object' });
    expect(req.messages.at(-1)!.content).toContain('tea tree smell');
    // cached by (text, model): the same text from another user is not sent again
    const n = requests.filter((r) => r.response_format).length;
    await review('u2', 'The tea tree smell is awful, it burned my scalp.');
    await server.services.textFeatures!.idle();
    expect(requests.filter((r) => r.response_format).length).toBe(n);
    expect((await features('u2')).textFeatures.source).toBe('llm');
    // the stored profile still equals a rebuild from the log
    const rebuilt = await server.services.profiles.replayFromLog('u1');
    expect(rebuilt.opinion.recentTexts).toHaveLength(1);
  });

  it('keeps the rules when the endpoint fails or answers something that is not the JSON asked for', async () => {
    for (const [u, m] of [
      ['u3', 'fail'],
      ['u4', 'garbage'],
    ] as const) {
      mode = m;
      expect((await review(u, `Lovely smell, my hair feels great (${m}).`)).errors).toBeUndefined();
      await server.services.textFeatures!.idle();
      const f = (await features(u)).textFeatures;
      expect(f).toMatchObject({ source: 'rules', extracted: 0 });
      expect(f.opinion).toBeGreaterThan(0);
    }
    expect(server.services.textFeatures!.stats.failures).toBeGreaterThanOrEqual(2);
    mode = 'ok';
  });
});

describe('parseFeatures', () => {
  it('validates and clamps the model answer', () => {
    expect(
      parseFeatures('{"interests":["  Sci Fi ", 3, "sci fi"],"aspects":[{"aspect":"Sound","opinion":4}],"opinion":-2}'),
    ).toEqual({
      interests: ['sci fi'],
      aspects: [{ aspect: 'sound', opinion: 1 }],
      opinion: -1,
    });
    expect(() => parseFeatures('not json')).toThrow(/not JSON/);
    expect(() => parseFeatures('[1]')).toThrow(/not a JSON object/);
    expect(() => parseFeatures('{"interests":[]}')).toThrow(/opinion/);
  });
});
