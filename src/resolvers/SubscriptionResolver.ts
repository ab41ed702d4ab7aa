import { Arg, Authorized, Ctx, FieldResolver, ID, Resolver, Root, Subscription } from 'type-graphql';
import { ALL_USERS, PROFILE_UPDATED, type ProfileUpdatePayload } from '../services/events.js';
import { ProfileView } from '../services/profileView.js';
import type { Context } from './context.js';
import { policies } from './policies.js';
import { Profile, ProfileUpdate } from './types.js';

@Resolver(() => ProfileUpdate)
export class SubscriptionResolver {
  @Authorized(policies.profileUpdated)
  @Subscription(() => ProfileUpdate, {
    topics: PROFILE_UPDATED,
    // One topic id per user, plus ALL_USERS for admin consoles: no per-message filtering of every user's stream.
    topicId: ({ args }) => (args.userId as string | undefined) ?? ALL_USERS,
    description: "Every new version of a user's profile (or of every user's, without userId), in version order.",
  })
  profileUpdated(
    @Root() update: ProfileUpdatePayload,
    @Arg('userId', () => ID, { nullable: true }) _userId: string | null,
  ): ProfileUpdatePayload {
    return update;
  }

  @FieldResolver(() => Profile)
  profile(@Root() update: ProfileUpdatePayload, @Ctx() { services }: Context): ProfileView {
    return ProfileView.fromPayload(update.profile, services.profileConfig, services.profiles.vocabulary);
  }
}
