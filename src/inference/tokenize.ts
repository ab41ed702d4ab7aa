// Tokenisation through @huggingface/tokenizers (reads a Hugging Face tokenizer.json); never hand-written.
import { readFileSync } from 'node:fs';
import { Tokenizer } from '@huggingface/tokenizers';

export interface Tokenized {
  ids: number[];
  typeIds: number[];
}

export class HfTokenizer {
  readonly tokenizer: Tokenizer;
  readonly padId: number;
  private readonly specialsPrefix: number;
  private readonly specialsSuffix: number;

  constructor(tokenizerJson: unknown, tokenizerConfig: Record<string, unknown> = {}) {
    this.tokenizer = new Tokenizer(tokenizerJson as object, tokenizerConfig);
    this.padId = resolvePadId(this.tokenizer, tokenizerJson, tokenizerConfig);
    // How many special tokens the post-processor puts before and after a single text ([CLS] … [SEP]).
    const probe = 'a';
    const bare = this.tokenizer.encode(probe, { add_special_tokens: false }).ids;
    const full = this.tokenizer.encode(probe, { add_special_tokens: true }).ids;
    let p = 0;
    if (bare.length > 0) {
      while (p + bare.length <= full.length && !bare.every((id: number, k: number) => full[p + k] === id)) p++;
      if (p + bare.length > full.length) p = 0;
    }
    this.specialsPrefix = p;
    this.specialsSuffix = Math.max(0, full.length - p - bare.length);
  }

  static fromFiles(tokenizerPath: string, configPath?: string | null): HfTokenizer {
    const json = JSON.parse(readFileSync(tokenizerPath, 'utf8')) as unknown;
    const cfg = configPath ? (JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>) : {};
    return new HfTokenizer(json, cfg);
  }

  /**
   * Token ids of one text; with `maxLength`, the text's own tokens are cut so that the result including the
   * special tokens fits (the leading and trailing special tokens are kept, as Hugging Face truncation does).
   */
  encode(text: string, addSpecialTokens: boolean, maxLength?: number): Tokenized {
    if (maxLength && text.length > maxLength * 24) {
      // Guard against huge inputs: tokens are rarely longer than 24 characters; cut at a space.
      const cut = text.lastIndexOf(' ', maxLength * 24);
      text = text.slice(0, cut > 0 ? cut : maxLength * 24);
    }
    const enc = this.tokenizer.encode(text, { add_special_tokens: addSpecialTokens, return_token_type_ids: true });
    let ids = enc.ids;
    let typeIds = enc.token_type_ids ?? new Array<number>(ids.length).fill(0);
    if (maxLength && ids.length > maxLength) {
      const pre = addSpecialTokens ? this.specialsPrefix : 0;
      const suf = addSpecialTokens ? this.specialsSuffix : 0;
      const keep = Math.max(0, maxLength - pre - suf);
      ids = [...ids.slice(0, pre + keep), ...ids.slice(ids.length - suf)];
      typeIds = [...typeIds.slice(0, pre + keep), ...typeIds.slice(typeIds.length - suf)];
    }
    return { ids, typeIds };
  }
}

function resolvePadId(tok: Tokenizer, json: unknown, cfg: Record<string, unknown>): number {
  const padding = (json as { padding?: { pad_id?: number } | null }).padding;
  if (padding && typeof padding.pad_id === 'number') return padding.pad_id;
  const padTok = cfg.pad_token;
  const name = typeof padTok === 'string' ? padTok : (padTok as { content?: string } | undefined)?.content;
  for (const t of [name, '[PAD]', '<pad>', '<|padding|>']) {
    if (!t) continue;
    const id = tok.token_to_id(t);
    if (id !== undefined) return id;
  }
  return 0;
}
