import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import type { DeleteUserResult } from '../services/privacyService.js';
import type { UserRow } from '../store/types.js';
import type { Context } from './context.js';
import { DeleteUserPayload } from './payloads.js';
import { policies } from './policies.js';
import { User } from './types.js';

@Resolver(() => User)
export class PrivacyResolver {
  @Authorized(policies.deleteUser)
  @Mutation(() => DeleteUserPayload, {
    description: 'Erases the user, every behaviour, the profile and every version, and their part in recommendations.',
  })
  async deleteUser(@Arg('id', () => ID) id: string, @Ctx() { services }: Context): Promise<DeleteUserResult> {
    return services.privacy.deleteUser(id);
  }

  @Authorized(policies.exportUser)
  @FieldResolver(() => GraphQLJSONObject, {
    description: 'Everything stored about this user (the user itself or an admin).',
  })
  async export(@Root() user: UserRow, @Ctx() { services }: Context): Promise<Record<string, unknown>> {
    return services.privacy.exportUser(user.id);
  }
}
