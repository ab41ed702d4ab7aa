import { Arg, Ctx, FieldResolver, Float, Resolver, Root } from 'type-graphql';
import { textFeaturesView } from '../services/textFeatures.js';
import type { Context } from './context.js';
import type { ProfileView } from '../services/profileView.js';
import type { ProfileVersionRow } from '../store/types.js';
import { FacetWeight, Interest, Profile, ProfileTerm, ProfileVersion, TextFeatures } from './types.js';

@Resolver(() => Profile)
export class ProfileResolver {
  @FieldResolver(() => [FacetWeight], {
    description:
      'Decayed facet weights (category, tag, brand, price_band, behavior, activity, rating, attribute), value ' +
      'tendency (value: price_sensitivity, price_level, brand_loyalty, novelty), social ties (social: ' +
      "following, followers, blocked) and opinion (aspect: an aspect the user's texts name, weight = mean " +
      'opinion in [-1, 1]).',
  })
  async facets(
    @Root() profile: ProfileView,
    @Arg('kind', () => String, { nullable: true }) kind: string | null,
    @Ctx() { services }: Context,
  ): Promise<FacetWeight[]> {
    return services.profiles.facets(profile, kind ?? undefined);
  }

  @FieldResolver(() => TextFeatures, {
    description: "Features of the user's newest review and onboarding texts (LLM where available, else the rules).",
  })
  textFeatures(@Root() profile: ProfileView, @Ctx() { services }: Context): TextFeatures {
    return textFeaturesView(profile.state, services.textFeatures);
  }

  @FieldResolver(() => [Interest], { description: 'Interest clusters, strongest first, with readable labels.' })
  interests(@Root() profile: ProfileView): Interest[] {
    return profile.interests();
  }

  @FieldResolver(() => [Float], {
    nullable: true,
    description: 'The long- or short-term interest vector; only sent when asked for.',
  })
  embedding(
    @Root() profile: ProfileView,
    @Arg('term', () => ProfileTerm, { defaultValue: ProfileTerm.LONG }) term: ProfileTerm,
  ): number[] | null {
    return profile.embedding(term === ProfileTerm.LONG ? 'long' : 'short');
  }
}

@Resolver(() => ProfileVersion)
export class ProfileVersionResolver {
  @FieldResolver(() => Boolean, { description: 'Whether a full state snapshot is stored with this version.' })
  hasSnapshot(@Root() version: ProfileVersionRow): boolean {
    return version.snapshot !== null;
  }
}
