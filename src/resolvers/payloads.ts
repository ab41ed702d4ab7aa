// GraphQL payloads: what mutations answer.
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Behavior, Item, Profile } from './types.js';

@ObjectType()
export class UpsertItemsPayload {
  @Field(() => [Item]) items!: Item[];
  @Field(() => Int) count!: number;
}

@ObjectType()
export class DeleteItemsPayload {
  @Field(() => [ID], { description: 'Ids that existed and were deleted (unknown ids are ignored).' })
  deletedIds!: string[];
  @Field(() => Int) count!: number;
}

@ObjectType({ description: 'What deleteUser erased.' })
export class DeleteUserPayload {
  @Field(() => ID) userId!: string;
  @Field(() => Boolean, { description: 'False when nothing was stored under this id.' }) deleted!: boolean;
  @Field(() => Int, { description: 'Behaviours erased from the event log.' }) behaviors!: number;
  @Field(() => Int, { description: 'Profile versions erased.' }) profileVersions!: number;
  @Field(() => Int, { description: 'Current profiles erased (0 or 1).' }) profiles!: number;
  @Field(() => Int, { description: 'Relations (follows, blocks) from or to the user erased.' }) relations!: number;
}

@ObjectType()
export class RecordBehaviorPayload {
  @Field(() => Behavior) behavior!: Behavior;
  @Field(() => Profile) profile!: Profile;
  @Field(() => Boolean, { description: 'True when this event id was already recorded; nothing new was written.' })
  duplicate!: boolean;
}

@ObjectType()
export class RecordBehaviorsPayload {
  @Field(() => [RecordBehaviorPayload]) results!: RecordBehaviorPayload[];
  @Field(() => Int) count!: number;
  @Field(() => Int) duplicates!: number;
}
