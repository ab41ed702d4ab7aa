// GraphQL input types: what clients send. Validation and mapping to the domain happen in src/services/validation.ts.
import { Field, Float, ID, InputType } from 'type-graphql';
import { GraphQLDateTime, GraphQLJSONObject } from 'graphql-scalars';
import type { BehaviorType as DomainBehaviorType } from '../domain/types.js';
import { BehaviorType } from './types.js';

@InputType({ description: 'An item to create or replace.' })
export class ItemInput {
  @Field(() => ID) id!: string;
  @Field(() => String) title!: string;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => String, { nullable: true }) category?: string | null;
  @Field(() => [String], { nullable: true }) tags?: string[] | null;
  @Field(() => String, { nullable: true }) brand?: string | null;
  @Field(() => Float, { nullable: true }) price?: number | null;
  @Field(() => GraphQLJSONObject, { nullable: true }) attributes?: Record<string, unknown> | null;
}

@InputType({ description: 'A user to create or update; omitted fields keep their values.' })
export class UserInput {
  @Field(() => ID) id!: string;
  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: 'Free-form attributes: age band, gender, locale, signup date, ...',
  })
  attributes?: Record<string, unknown> | null;
  @Field(() => String, {
    nullable: true,
    description: 'What the user told you at sign-up, e.g. "I like trail running and sci-fi".',
  })
  onboardingText?: string | null;
}

@InputType({ description: 'One behaviour event.' })
export class BehaviorInput {
  @Field(() => ID, {
    nullable: true,
    description: 'Client id, unique per user: a retry with the same id is stored once.',
  })
  eventId?: string | null;
  @Field(() => ID) userId!: string;
  @Field(() => ID, { nullable: true }) itemId?: string | null;
  @Field(() => BehaviorType) type!: DomainBehaviorType;
  @Field(() => Float, { nullable: true, description: 'Rating for RATE; optional weight for others.' }) value?:
    number | null;
  @Field(() => String, { nullable: true, description: 'Review or free text.' }) text?: string | null;
  @Field(() => GraphQLDateTime, { nullable: true, description: 'Event time; defaults to now.' })
  occurredAt?: Date | null;
}

@InputType({ description: 'Narrows recommendations.' })
export class RecommendationFilter {
  @Field(() => [String], { nullable: true }) categories?: string[] | null;
  @Field(() => [String], { nullable: true }) excludeCategories?: string[] | null;
  @Field(() => Float, { nullable: true }) priceMin?: number | null;
  @Field(() => Float, { nullable: true }) priceMax?: number | null;
  @Field(() => [ID], { nullable: true }) excludeItemIds?: string[] | null;
}
