// TextContexts hands every event with a text the encoder's common text direction, so the live path and a rebuild
// remove the same direction (a function of the encoder alone).
import { describe, expect, it } from 'vitest';
import type { BehaviorEvent } from '../../src/domain/types.js';
import { EncoderService } from '../../src/inference/encoderService.js';
import { loadEncoder } from '../../src/inference/loadEncoder.js';
import { commonTextDirection } from '../../src/inference/textDirection.js';
import type { CatalogService } from '../../src/services/catalogService.js';
import { TextContexts } from '../../src/services/profiles/texts.js';

const catalog = { eventContext: () => ({ item: null, itemVector: null }) } as unknown as CatalogService;
const event = (text: string | null): BehaviorEvent => ({
  seq: 1,
  eventId: 'e1',
  userId: 'u1',
  itemId: 'i1',
  type: 'REVIEW',
  value: null,
  text,
  occurredAt: 0,
});

describe('TextContexts', () => {
  it("gives a text's context the encoder's common direction, the same in every instance; none without text", async () => {
    const encoder = await loadEncoder({});
    const direction = await commonTextDirection((xs) => encoder.encodeBatch(xs, 'query'));
    const contexts = [0, 1].map(() => new TextContexts({ encoder: new EncoderService(encoder), catalog }));
    for (const texts of contexts) {
      const vectors = await texts.encode(['Lovely scent, lasts all day']);
      const ctx = texts.context(event('Lovely scent, lasts all day'), vectors);
      expect(ctx.textVector).not.toBeNull();
      expect(ctx.textDirection).toEqual(direction);
      expect(texts.context(event(null), vectors).textDirection).toBeNull();
    }
  });
});
