// The profile dimensions beyond taste, each in its own form: value tendency (0..1 scores), social ties (counts) and
// the opinions named in the user's reviews (aspects, signed: liked or disliked).
import { Stat, WeightBar } from '../../components.js';
import type { ProfileData } from './types.js';

type Facet = ProfileData['facets'][number];

/** Facet kinds shown here rather than among the taste facets. */
export const DIMENSION_KINDS: ReadonlySet<string> = new Set(['value', 'social', 'aspect']);

const VALUE_LABELS: Record<string, string> = {
  price_sensitivity: 'Price sensitivity',
  price_level: 'Price level',
  brand_loyalty: 'Brand loyalty',
  novelty: 'Novelty seeking',
};
const SOCIAL_ORDER = ['following', 'followers', 'blocked'];

export function Dimensions({ facets }: { facets: Facet[] }) {
  const of = (kind: string) => facets.filter((f) => f.kind === kind);
  const value = of('value');
  const social = of('social').sort((a, b) => SOCIAL_ORDER.indexOf(a.value) - SOCIAL_ORDER.indexOf(b.value));
  const aspects = of('aspect');
  return (
    <div className="grid three">
      <div data-testid="value-facets">
        <h3>Value tendency</h3>
        {value.length ? (
          <table className="compact">
            <tbody>
              {value.map((f) => (
                <tr key={f.value}>
                  <td>{VALUE_LABELS[f.value] ?? f.value}</td>
                  <td>
                    <WeightBar weight={f.weight} max={1} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">Not enough purchases or brands yet.</p>
        )}
      </div>
      <div data-testid="social-facets">
        <h3>Social ties</h3>
        {social.length ? (
          <dl className="stats">
            {social.map((f) => (
              <Stat key={f.value} label={f.value} value={<span data-testid={`social-${f.value}`}>{f.weight}</span>} />
            ))}
          </dl>
        ) : (
          <p className="muted">No follows or blocks.</p>
        )}
      </div>
      <div data-testid="aspect-facets">
        <h3>Opinions in reviews</h3>
        {aspects.length ? (
          <table className="compact">
            <tbody>
              {aspects.slice(0, 8).map((f) => (
                <tr key={f.value}>
                  <td>
                    <span className={`badge ${f.weight < 0 ? 'opinion-neg' : 'opinion-pos'}`}>
                      {f.weight < 0 ? 'dislikes' : 'likes'}
                    </span>{' '}
                    {f.value}
                  </td>
                  <td>
                    <WeightBar weight={f.weight} max={1} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">No aspects named in reviews.</p>
        )}
      </div>
    </div>
  );
}
