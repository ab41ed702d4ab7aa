import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema, type PubSub } from 'type-graphql';
import { authChecker } from '../auth/policy.js';
import { BehaviorResolver } from './BehaviorResolver.js';
import { EncoderResolver } from './EncoderResolver.js';
import { ItemResolver } from './ItemResolver.js';
import { ModelInfoResolver } from './ModelInfoResolver.js';
import { PrivacyResolver } from './PrivacyResolver.js';
import { ProfileResolver, ProfileVersionResolver } from './ProfileResolver.js';
import { RelationResolver } from './RelationResolver.js';
import { SubscriptionResolver } from './SubscriptionResolver.js';
import { UserResolver } from './UserResolver.js';

export const resolvers = [
  UserResolver,
  ItemResolver,
  BehaviorResolver,
  ProfileResolver,
  ProfileVersionResolver,
  SubscriptionResolver,
  EncoderResolver,
  ModelInfoResolver,
  PrivacyResolver,
  RelationResolver,
] as const;

export async function buildTastegraphSchema(pubSub: PubSub): Promise<GraphQLSchema> {
  // Inputs are validated by src/services/validation.ts (coded errors), not by class-validator.
  return buildSchema({ resolvers, pubSub, validate: false, authChecker });
}
