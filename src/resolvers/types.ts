// GraphQL object types. Field types are explicit (`() => String`) so both tsc and tsx (no decorator metadata) work.
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLDateTime, GraphQLJSONObject } from 'graphql-scalars';
import {
  BEHAVIOR_TYPES,
  REASON_KINDS,
  type BehaviorType as DomainBehaviorType,
  type ReasonKind as DomainReasonKind,
} from '../domain/types.js';

export const BehaviorType = Object.fromEntries(BEHAVIOR_TYPES.map((t) => [t, t])) as { [K in DomainBehaviorType]: K };
registerEnumType(BehaviorType, { name: 'BehaviorType', description: 'What a user did.' });

export const ReasonKind = Object.fromEntries(REASON_KINDS.map((t) => [t, t])) as { [K in DomainReasonKind]: K };
registerEnumType(ReasonKind, { name: 'ReasonKind', description: 'Which evidence a recommendation rests on.' });

export enum ProfileTerm {
  LONG = 'LONG',
  SHORT = 'SHORT',
}
registerEnumType(ProfileTerm, {
  name: 'ProfileTerm',
  description: 'Long-term (weeks) or short-term (days) interest vector.',
});

@ObjectType({ description: 'A catalogue item.' })
export class Item {
  @Field(() => ID) id!: string;
  @Field(() => String) title!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => String, { nullable: true }) category!: string | null;
  @Field(() => [String]) tags!: string[];
  @Field(() => String, { nullable: true }) brand!: string | null;
  @Field(() => Float, { nullable: true }) price!: number | null;
  @Field(() => GraphQLJSONObject) attributes!: Record<string, unknown>;
  @Field(() => String, { nullable: true, description: 'Encoder that produced the stored vector.' }) encoderId!:
    string | null;
  @Field(() => GraphQLDateTime) createdAt!: Date;
  @Field(() => GraphQLDateTime) updatedAt!: Date;
}

@ObjectType({ description: 'One entry of the event log.' })
export class Behavior {
  @Field(() => ID) id!: string;
  @Field(() => ID, { description: 'Client event id, unique per user (idempotency key).' }) eventId!: string;
  @Field(() => ID) userId!: string;
  @Field(() => ID, { nullable: true }) itemId!: string | null;
  @Field(() => BehaviorType) type!: DomainBehaviorType;
  @Field(() => Float, { nullable: true }) value!: number | null;
  @Field(() => String, { nullable: true }) text!: string | null;
  @Field(() => Float, {
    nullable: true,
    description:
      'Polarity of the text in [-1, 1], read when the event was written; a panned text counts against the item in recommendations as a low rating does. Null: no text.',
  })
  opinion!: number | null;
  @Field(() => GraphQLDateTime) occurredAt!: Date;
  @Field(() => GraphQLDateTime) receivedAt!: Date;
}

@ObjectType({ description: 'A weighted facet of a profile, e.g. category "Documentary" 0.42.' })
export class FacetWeight {
  @Field(() => String) kind!: string;
  @Field(() => String) value!: string;
  @Field(() => Float) weight!: number;
}

@ObjectType({
  description:
    "What the user's newest texts say, read by a language model (LLM_BASE_URL) where it has answered, else by the deterministic rules. Read-side only: it never changes stored profile versions.",
})
export class TextFeatures {
  @Field(() => String, { description: 'llm (every recent text extracted), mixed, or rules (none yet, or no LLM).' })
  source!: string;
  @Field(() => String, { nullable: true }) model!: string | null;
  @Field(() => Int, { description: 'Recent texts considered.' }) texts!: number;
  @Field(() => Int, { description: 'Of them, texts with LLM features.' }) extracted!: number;
  @Field(() => Float, { nullable: true, description: 'Mean opinion in [-1, 1].' }) opinion!: number | null;
  @Field(() => [FacetWeight], { description: 'Interests named (LLM only), weight = share of texts.' })
  interests!: FacetWeight[];
  @Field(() => [FacetWeight], { description: 'Aspects with mean opinion in [-1, 1].' }) aspects!: FacetWeight[];
}

@ObjectType({ description: 'How much one facet moved in a profile version.' })
export class FacetChange {
  @Field(() => String) kind!: string;
  @Field(() => String) value!: string;
  @Field(() => Float) delta!: number;
}

@ObjectType({ description: 'One interest cluster of a profile.' })
export class Interest {
  @Field(() => String) label!: string;
  @Field(() => Float) weight!: number;
  @Field(() => [ID], { description: 'Items that contributed most to this interest.' }) topItemIds!: string[];
}

@ObjectType({ description: "A user's living profile at one version." })
export class Profile {
  @Field(() => ID) userId!: string;
  @Field(() => Int) version!: number;
  @Field(() => GraphQLDateTime) updatedAt!: Date;
  @Field(() => Int) eventCount!: number;
  @Field(() => String) summary!: string;
  @Field(() => Float, {
    nullable: true,
    description: 'Cosine drift of the long-term vector from the previous version.',
  })
  drift!: number | null;
  @Field(() => Float, {
    nullable: true,
    description: 'Cosine drift of the short-term vector from the previous version.',
  })
  driftShort!: number | null;
  @Field(() => [FacetChange], { description: 'Facets that moved most in this version.' }) changedFacets!: FacetChange[];
  // facets, interests, embedding: field resolvers in ProfileResolver
}

@ObjectType({ description: 'One stored version of a profile.' })
export class ProfileVersion {
  @Field(() => Int) version!: number;
  @Field(() => ID, { nullable: true, description: 'Behaviour that triggered this version.' }) behaviorId!:
    string | null;
  @Field(() => Float, { nullable: true }) drift!: number | null;
  @Field(() => Float, { nullable: true }) driftShort!: number | null;
  @Field(() => [FacetChange]) changedFacets!: FacetChange[];
  @Field(() => Int) eventCount!: number;
  @Field(() => GraphQLDateTime, { description: 'Event time of the triggering behaviour.' }) asOf!: Date;
  @Field(() => GraphQLDateTime) createdAt!: Date;
}

@ObjectType({ description: 'A user of the client product.' })
export class User {
  @Field(() => ID) id!: string;
  @Field(() => GraphQLJSONObject) attributes!: Record<string, unknown>;
  @Field(() => String, { nullable: true }) onboardingText!: string | null;
  @Field(() => GraphQLDateTime) createdAt!: Date;
  @Field(() => GraphQLDateTime) updatedAt!: Date;
  // profile, profileHistory, behaviors, recommendations: field resolvers in UserResolver
}

@ObjectType({ description: 'Evidence behind a recommendation.' })
export class Reason {
  @Field(() => ReasonKind) kind!: DomainReasonKind;
  @Field(() => String) text!: string;
  @Field(() => ID, { nullable: true }) itemId?: string;
  @Field(() => String, { nullable: true }) facet?: string;
  @Field(() => String, { nullable: true }) value?: string;
}

@ObjectType({ description: 'A recommended item with its score and the reasons for it.' })
export class Recommendation {
  @Field(() => Item) item!: Item;
  @Field(() => Float) score!: number;
  @Field(() => [Reason]) reasons!: Reason[];
}

@ObjectType({ description: 'Pushed to subscribers whenever a profile gets a new version.' })
export class ProfileUpdate {
  @Field(() => ID) userId!: string;
  @Field(() => Int) version!: number;
  @Field(() => Float, { nullable: true }) drift!: number | null;
  @Field(() => [FacetChange]) changedFacets!: FacetChange[];
  @Field(() => Profile) profile!: Profile;
}

@ObjectType({ description: 'The encoder serving this process.' })
export class EncoderInfo {
  @Field(() => String) id!: string;
  @Field(() => String, { description: 'lexical, static or transformer.' }) kind!: string;
  @Field(() => Int) dim!: number;
}

@ObjectType({ description: 'How many events of one behaviour type an item received.' })
export class BehaviorTypeCount {
  @Field(() => BehaviorType) type!: DomainBehaviorType;
  @Field(() => Int) count!: number;
}

@ObjectType({ description: 'Who interacts with an item, as counts only (no user ids).' })
export class ItemInteractions {
  @Field(() => Int, { description: 'Events about this item in the log.' }) total!: number;
  @Field(() => Int, { description: 'Distinct users with at least one event about this item.' }) users!: number;
  @Field(() => [BehaviorTypeCount]) byType!: BehaviorTypeCount[];
}

@ObjectType({ description: 'The vector index answering content searches.' })
export class IndexInfo {
  @Field(() => String, { description: 'Configured kind: auto, exact or approximate.' }) kind!: string;
  @Field(() => String, { description: 'What answers searches now: exact or approximate.' }) mode!: string;
  @Field(() => Int, { description: 'Vectors in the index.' }) size!: number;
  @Field(() => Int) dim!: number;
}

@ObjectType()
export class CatalogueInfo {
  @Field(() => Int, { description: 'Items stored.' }) items!: number;
  @Field(() => Int, { description: 'Items in the in-memory recommender.' }) indexedItems!: number;
  @Field(() => Int, { description: 'Items whose vector came from another encoder.' }) staleItems!: number;
}

@ObjectType()
export class LogInfo {
  @Field(() => Int) users!: number;
  @Field(() => Int) behaviors!: number;
  @Field(() => Int) profiles!: number;
  @Field(() => Int) profileVersions!: number;
}

@ObjectType({ description: 'Behaviour state held in memory by the recommender, in entries.' })
export class RecommenderMemory {
  @Field(() => Int) users!: number;
  @Field(() => Int) coVisitationEntries!: number;
  @Field(() => Int) transitionEntries!: number;
  @Field(() => Int) segments!: number;
}

@ObjectType({ description: 'One candidate source of the recommender with its blend weight.' })
export class RecommenderSource {
  @Field(() => String) name!: string;
  @Field(() => Float) weight!: number;
  @Field(() => Int, { description: 'Candidates it may contribute per request.' }) candidates!: number;
}

@ObjectType({ description: 'Encoder, index, sizes and recommender configuration of this server process (admin only).' })
export class ModelInfo {
  @Field(() => EncoderInfo) encoder!: EncoderInfo;
  @Field(() => IndexInfo) index!: IndexInfo;
  @Field(() => CatalogueInfo) catalogue!: CatalogueInfo;
  @Field(() => LogInfo) log!: LogInfo;
  @Field(() => RecommenderMemory) memory!: RecommenderMemory;
  @Field(() => [RecommenderSource]) sources!: RecommenderSource[];
  @Field(() => Float, { description: 'Default share of exploration slots (RECOMMEND_EXPLORE).' }) explore!: number;
  @Field(() => GraphQLJSONObject) recommenderConfig!: Record<string, unknown>;
  @Field(() => GraphQLJSONObject) profileConfig!: Record<string, unknown>;
  @Field(() => String) databaseProvider!: string;
}
