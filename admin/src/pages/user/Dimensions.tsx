// The profile dimensions beyond taste, each in its own form: value tendency (0..1 scores), social ties (counts) and
// the opinions named in the user's reviews (aspects, signed: liked or disliked).
import type { ReactNode } from 'react';
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

/** Facets scored on 0..1 (signed for aspects): a label and a bar each. */
function FacetTable({ facets, label }: { facets: Facet[]; label: (f: Facet) => ReactNode }) {
  return (
    <table className="compact">
      <tbody>
        {facets.map((f) => (
          <tr key={f.value}>
            <td>{label(f)}</td>
            <td>
              <WeightBar weight={f.weight} max={1} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

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
          <FacetTable facets={value} label={(f) => VALUE_LABELS[f.value] ?? f.value} />
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
          <FacetTable
            facets={aspects.slice(0, 8)}
            label={(f) => (
              <>
                <span className={`badge ${f.weight < 0 ? 'opinion-neg' : 'opinion-pos'}`}>
                  {f.weight < 0 ? 'dislikes' : 'likes'}
                </span>{' '}
                {f.value}
              </>
            )}
          />
        ) : (
          <p className="muted">No aspects named in reviews.</p>
        )}
      </div>
    </div>
  );
}
