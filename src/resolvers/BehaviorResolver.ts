import { GraphQLDateTime } from 'graphql-scalars';
import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { checkBatch } from '../services/validation.js';
import type { ProfileView } from '../services/profileView.js';
import type { BehaviorRow, ItemRow } from '../store/types.js';
import type { Context } from './context.js';
import { BehaviorInput } from './inputs.js';
import { RecordBehaviorPayload, RecordBehaviorsPayload } from './payloads.js';
import { policies } from './policies.js';
import { Behavior, Item, Profile } from './types.js';

@Resolver(() => Behavior)
export class BehaviorResolver {
  @Authorized(policies.recordBehavior)
  @Mutation(() => RecordBehaviorPayload, {
    description: 'Appends one event to the log, updates the profile at once and pushes profileUpdated.',
  })
  async recordBehavior(@Arg('input', () => BehaviorInput) input: BehaviorInput, @Ctx() { services }: Context) {
    return services.profiles.recordBehavior(input);
  }

  @Authorized(policies.recordBehaviors)
  @Mutation(() => RecordBehaviorsPayload, {
    description: 'Records several events; all are validated before any is written.',
  })
  async recordBehaviors(@Arg('inputs', () => [BehaviorInput]) inputs: BehaviorInput[], @Ctx() { services }: Context) {
    checkBatch('inputs', inputs, services.config.limits);
    const results = await services.profiles.recordBehaviors(inputs);
    return { results, count: results.length, duplicates: results.filter((r) => r.duplicate).length };
  }

  @Authorized(policies.rebuildProfile)
  @Mutation(() => Profile, {
    description: 'Recomputes a profile from the event log alone and stores it as a new version.',
  })
  async rebuildProfile(@Arg('userId', () => ID) userId: string, @Ctx() { services }: Context): Promise<ProfileView> {
    return services.profiles.rebuildProfile(userId);
  }

  // The log keeps times as epoch milliseconds and its sequence number as `seq`; the API shows dates and an ID.
  @FieldResolver(() => ID)
  id(@Root() behavior: BehaviorRow): string {
    return String(behavior.seq);
  }

  @FieldResolver(() => GraphQLDateTime)
  occurredAt(@Root() behavior: BehaviorRow): Date {
    return new Date(behavior.occurredAt);
  }

  @FieldResolver(() => GraphQLDateTime)
  receivedAt(@Root() behavior: BehaviorRow): Date {
    return new Date(behavior.receivedAt);
  }

  @FieldResolver(() => Item, { nullable: true })
  async item(@Root() behavior: BehaviorRow, @Ctx() ctx: Context): Promise<ItemRow | null> {
    return behavior.itemId ? ctx.loaders.item.load(behavior.itemId) : null;
  }
}
