// The one interface every encoder (lexical, static ONNX, transformer ONNX) implements.

export type EncoderKind = 'lexical' | 'static' | 'transformer';

/** Whether a text is a query-like user text or a passage-like item text (e5/bge prefixes differ). */
export type TextRole = 'query' | 'passage';

export interface Encoder {
  /** Stable identifier: model name + content hash. Every stored vector records it. */
  readonly id: string;
  readonly kind: EncoderKind;
  readonly dim: number;
  /** Encodes a batch; every returned vector is L2-normalised (or all zeros for an empty text). */
  encodeBatch(texts: string[], role?: TextRole): Promise<Float32Array[]>;
  close?(): Promise<void>;
}
