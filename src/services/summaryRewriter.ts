// Optional: rewrites template profile summaries with an LLM behind an OpenAI-compatible endpoint (LLM_BASE_URL).
// Never on the request's critical path: rewrites run after commit, latest version per user only, a few at a time;
// the template summary stays whenever the endpoint is slow, down or answers nonsense.
import type { FacetWeight } from '../domain/types.js';
import type { Store } from '../store/types.js';
import { KeyedQueue } from './keyedQueue.js';
import { chatCompletion, type LlmEndpoint } from './llm.js';
import { userLogId } from './privacyService.js';

export interface SummaryRewriterOptions extends LlmEndpoint {
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
  private readonly queue: KeyedQueue<SummaryFacts>;

  constructor(private readonly opts: SummaryRewriterOptions) {
    this.queue = new KeyedQueue(opts.concurrency ?? 2, (_userId, facts) =>
      this.rewrite(facts).catch((err: unknown) =>
        this.opts.log(
          `summary rewrite for user ${userLogId(facts.userId)} failed, template kept: ${(err as Error).name}`,
        ),
      ),
    );
  }

  /** Queues a rewrite; a newer version of the same user replaces a queued older one. */
  enqueue(facts: SummaryFacts): void {
    this.queue.enqueue(facts.userId, facts);
  }

  /** Resolves when no rewrite is queued or running (tests, shutdown). */
  idle(): Promise<void> {
    return this.queue.idle();
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
    const content = await chatCompletion(this.opts, {
      temperature: 0.2,
      maxTokens: 120,
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
    });
    const text = content.replace(/\s+/g, ' ').trim();
    if (!text) return null;
    return text.length > MAX_SUMMARY_CHARS ? `${text.slice(0, MAX_SUMMARY_CHARS - 1)}…` : text;
  }
}
