// Optional: rewrites template profile summaries with an LLM behind an OpenAI-compatible endpoint (LLM_BASE_URL).
// Never on the request's critical path: rewrites run after commit, latest version per user only, a few at a time;
// the template summary stays whenever the endpoint is slow, down or answers nonsense.
import type { FacetWeight } from '../domain/types.js';
import type { Store } from '../store/types.js';
import { userLogId } from './privacyService.js';

export interface SummaryRewriterOptions {
  baseUrl: string;
  model: string;
  apiKey: string | null;
  timeoutMs: number;
  store: Pick<Store, 'setProfileSummary'>;
  log: (msg: string) => void;
  concurrency?: number;
}

export interface SummaryFacts {
  userId: string;
  version: number;
  template: string;
  interests: Array<{ label: string; weight: number }>;
  facets: FacetWeight[];
}

const MAX_SUMMARY_CHARS = 400;

export class SummaryRewriter {
  private readonly pending = new Map<string, SummaryFacts>();
  private running = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly opts: SummaryRewriterOptions) {}

  /** Queues a rewrite; a newer version of the same user replaces a queued older one. */
  enqueue(facts: SummaryFacts): void {
    this.pending.set(facts.userId, facts);
    this.pump();
  }

  /** Resolves when no rewrite is queued or running (tests, shutdown). */
  idle(): Promise<void> {
    if (!this.running && !this.pending.size) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.running < (this.opts.concurrency ?? 2) && this.pending.size) {
      const [userId, facts] = this.pending.entries().next().value as [string, SummaryFacts];
      this.pending.delete(userId);
      this.running++;
      void this.rewrite(facts)
        .catch((err: unknown) =>
          this.opts.log(
            `summary rewrite for user ${userLogId(facts.userId)} failed, template kept: ${(err as Error).name}`,
          ),
        )
        .finally(() => {
          this.running--;
          this.pump();
          if (!this.running && !this.pending.size) this.idleWaiters.splice(0).forEach((w) => w());
        });
    }
  }

  private async rewrite(facts: SummaryFacts): Promise<void> {
    const text = await this.complete(facts);
    if (text) await this.opts.store.setProfileSummary(facts.userId, facts.version, text);
  }

  private async complete(facts: SummaryFacts): Promise<string | null> {
    const facetLines = facts.facets
      .slice(0, 12)
      .map((f) => `${f.kind}: ${f.value} (${f.weight.toFixed(2)})`)
      .join('\n');
    const interestLines = facts.interests.map((i) => `${i.label} (${i.weight.toFixed(2)})`).join(', ');
    const res = await fetch(`${this.opts.baseUrl.replace(/\/$/, '')}/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.opts.apiKey ? { authorization: `Bearer ${this.opts.apiKey}` } : {}),
      },
      body: JSON.stringify({
        model: this.opts.model,
        temperature: 0.2,
        max_tokens: 120,
        messages: [
          {
            role: 'system',
            content:
              'You write one-sentence summaries of a shopper or viewer profile for a product team. Use only the facts given. No names, no speculation, at most 40 words.',
          },
          {
            role: 'user',
            content: `Draft: ${facts.template}\nInterests: ${interestLines || 'none yet'}\nFacets:\n${facetLines}`,
          },
        ],
      }),
      signal: AbortSignal.timeout(this.opts.timeoutMs),
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const body = (await res.json()) as { choices?: Array<{ message?: { content?: unknown } }> };
    const content = body.choices?.[0]?.message?.content;
    if (typeof content !== 'string') throw new Error('no choices[0].message.content in the answer');
    const text = content.replace(/\s+/g, ' ').trim();
    if (!text) return null;
    return text.length > MAX_SUMMARY_CHARS ? `${text.slice(0, MAX_SUMMARY_CHARS - 1)}…` : text;
  }
}
