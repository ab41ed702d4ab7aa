// One call to an OpenAI-compatible chat-completions endpoint (LLM_BASE_URL): the summary rewriter and the text
// feature extractor both use it. Throws on an HTTP error, a timeout, or an answer without message content.
export interface LlmEndpoint {
  baseUrl: string;
  model: string;
  apiKey: string | null;
  timeoutMs: number;
}

export interface ChatRequest {
  temperature: number;
  maxTokens: number;
  messages: Array<{ role: 'system' | 'user'; content: string }>;
  /** Ask for a JSON object (JSON mode). */
  json?: boolean;
}

export async function chatCompletion(endpoint: LlmEndpoint, request: ChatRequest): Promise<string> {
  const res = await fetch(`${endpoint.baseUrl.replace(/\/$/, '')}/chat/completions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(endpoint.apiKey ? { authorization: `Bearer ${endpoint.apiKey}` } : {}),
    },
    body: JSON.stringify({
      model: endpoint.model,
      temperature: request.temperature,
      max_tokens: request.maxTokens,
      ...(request.json ? { response_format: { type: 'json_object' } } : {}),
      messages: request.messages,
    }),
    signal: AbortSignal.timeout(endpoint.timeoutMs),
  });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const body = (await res.json()) as { choices?: Array<{ message?: { content?: unknown } }> };
  const content = body.choices?.[0]?.message?.content;
  if (typeof content !== 'string') throw new Error('no choices[0].message.content in the answer');
  return content;
}
