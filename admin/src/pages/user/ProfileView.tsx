// The profile at one moment: summary, stats, interests, taste facets by kind, the value / social / opinion dimensions
// (Dimensions.tsx), and what moved in that version.
import { Card, FacetChanges, Stat, WeightBar } from '../../components.js';
import { dateTime, fmt } from '../../format.js';
import { DIMENSION_KINDS, Dimensions } from './Dimensions.js';
import type { ProfileData } from './types.js';

export function ProfileView({ profile, heading, past }: { profile: ProfileData; heading: string; past: boolean }) {
  const maxInterest = Math.max(...profile.interests.map((i) => i.weight), 0.0001);
  const byKind = new Map<string, ProfileData['facets']>();
  for (const f of profile.facets)
    if (!DIMENSION_KINDS.has(f.kind)) byKind.set(f.kind, [...(byKind.get(f.kind) ?? []), f]);
  return (
    <Card
      id="profile"
      title={heading}
      actions={past ? <span className="badge past">past version</span> : <span className="badge now">current</span>}
    >
      <p className="summary" data-testid="summary">
        {profile.summary}
      </p>
      <dl className="stats">
        <Stat label="Version" value={<span data-testid="profile-version">v{profile.version}</span>} />
        <Stat label="Events" value={profile.eventCount} />
        <Stat label="Drift (long)" value={fmt(profile.drift)} />
        <Stat label="Drift (short)" value={fmt(profile.driftShort)} />
        <Stat label="Updated" value={dateTime(profile.updatedAt)} />
      </dl>
      <div className="grid two">
        <div>
          <h3>Interests</h3>
          {profile.interests.length ? (
            <table className="compact">
              <thead>
                <tr>
                  <th scope="col">Label</th>
                  <th scope="col">Weight</th>
                </tr>
              </thead>
              <tbody>
                {profile.interests.map((i) => (
                  <tr key={i.label}>
                    <td>{i.label}</td>
                    <td>
                      <WeightBar weight={i.weight} max={maxInterest} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="muted">No interests yet.</p>
          )}
        </div>
        <div>
          <h3>Facets</h3>
          {[...byKind].map(([kind, facets]) => (
            <details key={kind} open={kind === 'category' || kind === 'tag'}>
              <summary>
                {kind} <span className="muted">({facets.length})</span>
              </summary>
              <table className="compact">
                <tbody>
                  {facets.slice(0, 8).map((f) => (
                    <tr key={f.value}>
                      <td>{f.value}</td>
                      <td>
                        <WeightBar weight={f.weight} max={Math.max(...facets.map((x) => Math.abs(x.weight)), 0.0001)} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          ))}
        </div>
      </div>
      <Dimensions facets={profile.facets} />
      <h3>Facets that moved in this version</h3>
      <FacetChanges changes={profile.changedFacets} />
    </Card>
  );
}
