import { Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from './context.js';
import { EncoderInfo } from './types.js';

@Resolver()
export class EncoderResolver {
  @Query(() => EncoderInfo, { description: 'Which encoder turns texts into vectors in this deployment.' })
  encoder(@Ctx() { services }: Context): EncoderInfo {
    const { id, kind, dim } = services.encoder.encoder;
    return { id, kind, dim };
  }
}
