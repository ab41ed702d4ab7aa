import { Authorized, Ctx, Query, Resolver } from 'type-graphql';
import type { ModelInfo as ModelInfoData } from '../services/modelInfoService.js';
import type { Context } from './context.js';
import { ModelInfo } from './types.js';

@Resolver()
export class ModelInfoResolver {
  // 'admin': today any holder of API_KEY; with roles, admins only.
  @Authorized('admin')
  @Query(() => ModelInfo, { description: 'Encoder, vector index, catalogue and log sizes, recommender configuration and sources (admin only).' })
  modelInfo(@Ctx() { services }: Context): Promise<ModelInfoData> {
    return services.modelInfo.modelInfo();
  }
}
