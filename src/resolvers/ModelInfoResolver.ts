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
}
