// Facets computed at read time next to the stored state's: novelty (from the live recommender's item counts) and,
// for social ties, followers (from the relation log: other users' relations, not part of this user's state).
import type { FacetWeight } from '../../domain/types.js';
import type { ProfileView } from '../profileView.js';

export interface ReadTimeSources {
  novelty(consumed: readonly string[]): FacetWeight | null;
  followers?(userId: string): Promise<number>;
}

/** The view's facets (of `kind`, or all) with the read-time ones placed at the end of their kind's group. */
export async function facetsWithReadTime(
  view: ProfileView,
  kind: string | undefined,
  sources: ReadTimeSources,
): Promise<FacetWeight[]> {
  const out = view.facets(kind);
  const want = (k: string) => kind === undefined || kind === k;
  const insert = (f: FacetWeight) => {
    let at = out.length;
    for (let i = out.length - 1; i >= 0; i--) {
      if (out[i]!.kind === f.kind) {
        at = i + 1;
        break;
      }
    }
    out.splice(at, 0, f);
  };
  if (want('value')) {
    const novelty = sources.novelty(view.state.consumed);
    if (novelty) insert(novelty);
  }
  if (want('social') && sources.followers) {
    const followers = await sources.followers(view.userId);
    if (followers > 0 || view.state.social.relations > 0)
      insert({ kind: 'social', value: 'followers', weight: followers });
  }
  return out;
}
