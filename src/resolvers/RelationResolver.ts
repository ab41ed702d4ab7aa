// Social ties (issue #16): Mutation.recordRelation appends a FOLLOW, UNFOLLOW or BLOCK to the relation log and
// updates the user's profile (its social facet) like recordBehavior does.
import { GraphQLDateTime } from 'graphql-scalars';
import {
  Arg,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  ID,
  InputType,
  Mutation,
  ObjectType,
  Resolver,
  Root,
} from 'type-graphql';
import { registerEnumType } from 'type-graphql';
import { RELATION_TYPES, type RelationType as DomainRelationType } from '../domain/profile/index.js';
import type { RecordRelationResult } from '../services/profileService.js';
import type { RelationRow } from '../store/types.js';
import type { Context } from './context.js';
import { policies } from './policies.js';
import { Profile } from './types.js';

export const RelationType = Object.fromEntries(RELATION_TYPES.map((t) => [t, t])) as {
  [K in DomainRelationType]: K;
};
registerEnumType(RelationType, {
  name: 'RelationType',
  description: 'FOLLOW another user, UNFOLLOW them, or BLOCK them (stops following; they never influence you).',
});

@ObjectType({ description: 'One entry of the relation log: a tie from userId to otherUserId.' })
export class Relation {
  @Field(() => ID) id!: string;
  @Field(() => ID, { description: 'Client event id, unique per user (idempotency key).' }) eventId!: string;
  @Field(() => ID) userId!: string;
  @Field(() => ID) otherUserId!: string;
  @Field(() => RelationType) type!: DomainRelationType;
  @Field(() => GraphQLDateTime) occurredAt!: Date;
  @Field(() => GraphQLDateTime) receivedAt!: Date;
}

@InputType({ description: 'One relation event.' })
export class RelationInput {
  @Field(() => ID, {
    nullable: true,
    description: 'Client id, unique per user: a retry with the same id is stored once.',
  })
  eventId?: string | null;
  @Field(() => ID) userId!: string;
  @Field(() => ID, { description: 'The other user (not userId).' }) otherUserId!: string;
  @Field(() => RelationType) type!: DomainRelationType;
  @Field(() => GraphQLDateTime, { nullable: true, description: 'Event time; defaults to now.' })
  occurredAt?: Date | null;
}

@ObjectType()
export class RecordRelationPayload {
  @Field(() => Relation) relation!: Relation;
  @Field(() => Profile) profile!: Profile;
  @Field(() => Boolean, { description: 'True when this event id was already recorded; nothing new was written.' })
  duplicate!: boolean;
}

@Resolver(() => Relation)
export class RelationResolver {
  @Authorized(policies.recordRelation)
  @Mutation(() => RecordRelationPayload, {
    description:
      'Appends a FOLLOW, UNFOLLOW or BLOCK to the relation log, updates the social ties of the profile at once ' +
      '(a new version) and pushes profileUpdated.',
  })
  async recordRelation(
    @Arg('input', () => RelationInput) input: RelationInput,
    @Ctx() { services }: Context,
  ): Promise<RecordRelationResult> {
    return services.profiles.recordRelation(input);
  }

  @FieldResolver(() => ID)
  id(@Root() relation: RelationRow): string {
    return String(relation.seq);
  }

  @FieldResolver(() => GraphQLDateTime)
  occurredAt(@Root() relation: RelationRow): Date {
    return new Date(relation.occurredAt);
  }

  @FieldResolver(() => GraphQLDateTime)
  receivedAt(@Root() relation: RelationRow): Date {
    return new Date(relation.receivedAt);
  }
}
