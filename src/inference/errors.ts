/** A model directory or device setting that cannot work; the message says what to set. */
export class EncoderConfigError extends Error {
  override readonly name = 'EncoderConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
