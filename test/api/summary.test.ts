// LLM summaries through an OpenAI-compatible endpoint: asynchronous, off the request path, template as fallback.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

interface ChatRequest {
  model: string;
  messages: Array<{ role: string; content: string }>;
}

describe('profile summaries rewritten by an LLM', () => {
  let llm: Server;
  let server: TestServer;
  const requests: ChatRequest[] = [];
  let mode: 'ok' | 'fail' = 'ok';
  let release: () => void = () => {};
  let gate = Promise.resolve();

  beforeAll(async () => {
    // A local server that speaks the OpenAI chat-completions protocol.
    llm = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', async () => {
        await gate;
        if (req.url !== '/v1/chat/completions' || req.method !== 'POST') return void res.writeHead(404).end();
        const parsed = JSON.parse(body) as ChatRequest;
        requests.push(parsed);
        if (mode === 'fail') return void res.writeHead(500).end('{"error":"overloaded"}');
        const draft = parsed.messages.at(-1)!.content.split('\n')[0]!;
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            id: 'x',
            object: 'chat.completion',
            model: parsed.model,
            choices: [
              {
                index: 0,
                finish_reason: 'stop',
                message: { role: 'assistant', content: `  LLM: ${draft.replace('Draft: ', '')}  ` },
              },
            ],
          }),
        );
      });
    });
    await new Promise<void>((r) => llm.listen(0, '127.0.0.1', r));
    const port = (llm.address() as AddressInfo).port;
    server = await startTestServer('sqlite', { LLM_BASE_URL: `http://127.0.0.1:${port}/v1`, LLM_MODEL: 'test-model' });
    await server.gql(`mutation { upsertItems(items: [{ id: "a", title: "Alien", category: "Sci-Fi" }]) { count } }`);
  });
  afterAll(async () => {
    release();
    await server?.stop();
    llm?.close();
  });

  it('answers with the template at once and stores the rewrite when it arrives', async () => {
    gate = new Promise<void>((r) => (release = r)); // the LLM answers only after the mutation has returned
    const res = await server.gql<{ recordBehavior: { profile: { summary: string } } }>(
      `mutation { recordBehavior(input: { userId: "u1", itemId: "a", type: PURCHASE }) { profile { summary } } }`,
    );
    const template = res.data!.recordBehavior.profile.summary;
    expect(template).toContain('Sci-Fi');
    expect(template).not.toContain('LLM');
    release();
    await server.services.summaries!.idle();
    const after = await server.gql<{ user: { profile: { summary: string } } }>(
      `{ user(id: "u1") { profile { summary } } }`,
    );
    expect(after.data!.user.profile.summary).toBe(`LLM: ${template}`);
    expect(requests.at(-1)!.model).toBe('test-model');
    expect(requests.at(-1)!.messages.at(-1)!.content).toContain('Sci-Fi');
  });

  it('keeps the template when the endpoint fails', async () => {
    mode = 'fail';
    const res = await server.gql<{ recordBehavior: { profile: { summary: string } } }>(
      `mutation { recordBehavior(input: { userId: "u2", itemId: "a", type: CLICK }) { profile { summary } } }`,
    );
    await server.services.summaries!.idle();
    const after = await server.gql<{ user: { profile: { summary: string } } }>(
      `{ user(id: "u2") { profile { summary } } }`,
    );
    expect(after.data!.user.profile.summary).toBe(res.data!.recordBehavior.profile.summary);
    expect(requests.length).toBeGreaterThanOrEqual(2);
  });
});
