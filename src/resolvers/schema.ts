import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { GraphQLError } from 'graphql';
import { buildSchema, type AuthChecker, type PubSub } from 'type-graphql';
import type { Context } from './context.js';
import { BehaviorResolver } from './BehaviorResolver.js';
import { EncoderResolver } from './EncoderResolver.js';
import { ItemResolver } from './ItemResolver.js';
import { ModelInfoResolver } from './ModelInfoResolver.js';
import { ProfileResolver, ProfileVersionResolver } from './ProfileResolver.js';
import { SubscriptionResolver } from './SubscriptionResolver.js';
import { UserResolver } from './UserResolver.js';

export const resolvers = [UserResolver, ItemResolver, BehaviorResolver, ProfileResolver, ProfileVersionResolver, SubscriptionResolver, EncoderResolver, ModelInfoResolver] as const;

/** `@Authorized()` fields (writes, live streams) need the API key when API_KEY is set. */
const requireApiKey: AuthChecker<Context> = ({ context }) => {
  if (context.admin) return true;
  throw new GraphQLError('this operation needs the API key: send "Authorization: Bearer <API_KEY>"', { extensions: { code: 'FORBIDDEN' } });
};

export async function buildTastegraphSchema(pubSub: PubSub): Promise<GraphQLSchema> {
  // Inputs are validated by src/services/validation.ts (coded errors), not by class-validator.
  return buildSchema({ resolvers, pubSub, validate: false, authChecker: requireApiKey });
}
