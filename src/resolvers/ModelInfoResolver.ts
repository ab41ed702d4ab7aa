import { GraphQLJSONObject } from 'graphql-scalars';
import { Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { policies } from './policies.js';
import type { ModelInfo as ModelInfoData } from '../services/modelInfoService.js';
import type { Context } from './context.js';
import { ModelInfo } from './types.js';

@Resolver()
export class ModelInfoResolver {
  @Authorized(policies.modelInfo)
  @Query(() => ModelInfo, {
    description: 'Encoder, vector index, catalogue and log sizes, recommender configuration and sources (admin only).',
  })
  modelInfo(@Ctx() { services }: Context): Promise<ModelInfoData> {
    return services.modelInfo.modelInfo();
  }

  @Authorized(policies.modelInfo)
  @Query(() => GraphQLJSONObject, {
    nullable: true,
    description:
      'The newest recommender configuration stored by `npm run model:tune` (version, overrides, validation figures, createdAt), whether or not this process applied it (it is read at start); null when none (admin only).',
  })
  async tunedConfiguration(@Ctx() { services }: Context): Promise<Record<string, unknown> | null> {
    const row = await services.store.latestTunedConfiguration();
    return row ? { ...row, createdAt: row.createdAt.toISOString() } : null;
  }
}
