import { Arg, Authorized, Ctx, FieldResolver, Float, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import { checkFirst, validateFilter, validateUser } from '../services/validation.js';
import type { ProfileView } from '../services/profileView.js';
import type { BehaviorRow, ProfileVersionRow, UserRow } from '../store/types.js';
import type { Context } from './context.js';
import {
  BehaviorConnection,
  ProfileVersionConnection,
  UserConnection,
  toConnection,
  type Connection,
} from './connections.js';
import { RecommendationFilter, UserInput } from './inputs.js';
import { afterKey, afterNumber } from './paging.js';
import { policies } from './policies.js';
import { Profile, Recommendation, User } from './types.js';

@Resolver(() => User)
export class UserResolver {
  @Authorized(policies.readUser)
  @Query(() => User, { nullable: true })
  async user(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<UserRow | null> {
    return ctx.loaders.user.load(id);
  }

  @Authorized(policies.listUsers)
  @Query(() => UserConnection)
  async users(
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() { services }: Context,
  ): Promise<Connection<UserRow>> {
    const n = checkFirst('first', first, 20, services.config.limits.maxPageSize);
    const page = await services.users.listUsers(n, afterKey('after', after));
    return toConnection(page, (r) => r.id);
  }

  @Authorized(policies.upsertUser)
  @Mutation(() => User, {
    description: 'Creates or updates a user; attributes and onboarding text feed cold-start recommendations.',
  })
  async upsertUser(@Arg('input', () => UserInput) input: UserInput, @Ctx() { services }: Context): Promise<UserRow> {
    return services.profiles.upsertUser(validateUser(input, services.config.limits));
  }

  @Authorized(policies.userData)
  @FieldResolver(() => Profile, {
    nullable: true,
    description: 'The current profile, or the version in force at `asOf`.',
  })
  async profile(
    @Root() user: UserRow,
    @Arg('asOf', () => GraphQLDateTime, { nullable: true }) asOf: Date | null,
    @Ctx() ctx: Context,
  ): Promise<ProfileView | null> {
    if (asOf) return ctx.services.profiles.profileAt(user.id, asOf);
    return ctx.loaders.profile.load(user.id);
  }

  @Authorized(policies.userData)
  @FieldResolver(() => ProfileVersionConnection, { description: 'Stored versions, newest first.' })
  async profileHistory(
    @Root() user: UserRow,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() { services }: Context,
  ): Promise<Connection<ProfileVersionRow>> {
    const n = checkFirst('first', first, 20, services.config.limits.maxPageSize);
    const page = await services.users.profileHistory(user.id, n, afterNumber('after', after));
    return toConnection(page, (r) => String(r.version));
  }

  @Authorized(policies.userData)
  @FieldResolver(() => BehaviorConnection, { description: 'The event log of this user, newest first.' })
  async behaviors(
    @Root() user: UserRow,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() { services }: Context,
  ): Promise<Connection<BehaviorRow>> {
    const n = checkFirst('first', first, 20, services.config.limits.maxPageSize);
    const page = await services.users.behaviors(user.id, n, afterNumber('after', after));
    return toConnection(page, (r) => String(r.seq));
  }

  @Authorized(policies.userData)
  @FieldResolver(() => [Recommendation], { description: 'Top items for this user, each with the reasons behind it.' })
  async recommendations(
    @Root() user: UserRow,
    @Arg('first', () => Int, { nullable: true, defaultValue: 10 }) first: number | null,
    @Arg('filter', () => RecommendationFilter, { nullable: true }) filter: RecommendationFilter | null,
    @Arg('explore', () => Float, {
      nullable: true,
      description: 'Share of slots for exploration (0..1); default from RECOMMEND_EXPLORE.',
    })
    explore: number | null,
    @Arg('seed', () => Int, { nullable: true, description: 'Seed for reproducible exploration slots.' })
    seed: number | null,
    @Ctx() ctx: Context,
  ) {
    const { services } = ctx;
    const n = checkFirst('first', first, 10, services.config.limits.maxRecommendations);
    const profile = await ctx.loaders.profile.load(user.id);
    return services.recommendations.forUser(user, profile, {
      first: n,
      filter: validateFilter(filter, services.config.limits),
      explore: explore ?? undefined,
      seed: seed ?? undefined,
    });
  }
}
