// One user: the profile now (or at any past moment), its versions charted, the event log, and explained
// recommendations; refreshes itself when the user's profile gets a new version.
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { gql, useQuery, useSubscription } from '../api.js';
import {
  Card,
  ErrorBox,
  FacetChanges,
  RecommendationList,
  Stat,
  WeightBar,
  type FacetChangeData,
  type RecommendationData,
} from '../components.js';
import { dateTime, fmt, PALETTE, toLocalInput } from '../format.js';
import { Link, itemPath, navigate, userPath } from '../router.js';

// ------------------------------------------------------------------ users list

const USERS = `query Users($after: String) { users(first: 50, after: $after) { totalCount pageInfo { endCursor hasNextPage }
  edges { node { id updatedAt profile { version eventCount summary } } } } }`;
interface UsersData {
  users: {
    totalCount: number;
    pageInfo: { endCursor: string | null; hasNextPage: boolean };
    edges: Array<{
      node: { id: string; updatedAt: string; profile: { version: number; eventCount: number; summary: string } | null };
    }>;
  };
}

export function OpenById({ label, to }: { label: string; to: (id: string) => string }) {
  const [id, setId] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (id.trim()) navigate(to(id.trim()));
  };
  const inputId = `open-${label.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <form className="inline" onSubmit={submit}>
      <label htmlFor={inputId}>{label}</label>
      <input id={inputId} value={id} onChange={(e) => setId(e.target.value)} />
      <button type="submit">Open</button>
    </form>
  );
}

export function UsersPage() {
  const [after, setAfter] = useState<string | null>(null);
  const { data, error } = useQuery<UsersData>(USERS, { after });
  return (
    <>
      <h1>Users</h1>
      <OpenById label="User id" to={userPath} />
      <ErrorBox error={error} />
      {data && (
        <Card title={`${data.users.totalCount} users`}>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">User</th>
                  <th scope="col">Version</th>
                  <th scope="col">Events</th>
                  <th scope="col">Summary</th>
                </tr>
              </thead>
              <tbody>
                {data.users.edges.map(({ node }) => (
                  <tr key={node.id}>
                    <td>
                      <Link to={userPath(node.id)}>{node.id}</Link>
                    </td>
                    <td>{node.profile ? `v${node.profile.version}` : '—'}</td>
                    <td>{node.profile?.eventCount ?? 0}</td>
                    <td className="summary-cell">
                      {node.profile?.summary ?? <span className="muted">no profile yet</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="pager">
            {after && (
              <button type="button" className="secondary" onClick={() => setAfter(null)}>
                First page
              </button>
            )}
            {data.users.pageInfo.hasNextPage && (
              <button type="button" onClick={() => setAfter(data.users.pageInfo.endCursor)}>
                Next page
              </button>
            )}
          </div>
        </Card>
      )}
    </>
  );
}

// ------------------------------------------------------------------ one user

const PROFILE_FIELDS = `version eventCount summary updatedAt drift driftShort
  interests { label weight topItemIds } facets { kind value weight } changedFacets { kind value delta }`;

const USER = `query User($id: ID!) { user(id: $id) { id createdAt onboardingText attributes
  profile { ${PROFILE_FIELDS} }
  profileHistory(first: 100) { totalCount edges { node { version asOf drift driftShort eventCount hasSnapshot changedFacets { kind value delta } } } }
  behaviors(first: 25) { totalCount edges { node { id eventId type itemId item { title } value text occurredAt } } } } }`;

const PROFILE_AT = `query ProfileAt($id: ID!, $asOf: DateTime!) { user(id: $id) { profile(asOf: $asOf) { ${PROFILE_FIELDS} } } }`;

const RECS = `query Recs($id: ID!, $first: Int, $explore: Float, $seed: Int, $filter: RecommendationFilter) { user(id: $id) {
  recommendations(first: $first, explore: $explore, seed: $seed, filter: $filter) { score item { id title category price } reasons { kind text itemId } } } }`;

const LIVE = `subscription UserLive($userId: ID) { profileUpdated(userId: $userId) { version } }`;

interface ProfileData {
  version: number;
  eventCount: number;
  summary: string;
  updatedAt: string;
  drift: number | null;
  driftShort: number | null;
  interests: Array<{ label: string; weight: number; topItemIds: string[] }>;
  facets: Array<{ kind: string; value: string; weight: number }>;
  changedFacets: FacetChangeData[];
}
interface VersionData {
  version: number;
  asOf: string;
  drift: number | null;
  driftShort: number | null;
  eventCount: number;
  hasSnapshot: boolean;
  changedFacets: FacetChangeData[];
}
interface UserData {
  user: {
    id: string;
    createdAt: string;
    onboardingText: string | null;
    attributes: Record<string, unknown>;
    profile: ProfileData | null;
    profileHistory: { totalCount: number; edges: Array<{ node: VersionData }> };
    behaviors: {
      totalCount: number;
      edges: Array<{
        node: {
          id: string;
          eventId: string;
          type: string;
          itemId: string | null;
          item: { title: string } | null;
          value: number | null;
          text: string | null;
          occurredAt: string;
        };
      }>;
    };
  } | null;
}

/** Versions charted at most (each needs the profile at that version). */
const CHART_VERSIONS = 30;
const SERIES = 5;

type Weights = {
  interests: Array<{ label: string; weight: number }>;
  facets: Array<{ kind: string; value: string; weight: number }>;
};

/** Profile weights per version, fetched once per version (versions never change) in one aliased query. */
function useVersionWeights(userId: string, versions: VersionData[]): Map<number, Weights> {
  const cache = useRef(new Map<number, Weights>());
  const [, bump] = useState(0);
  useEffect(() => {
    cache.current = new Map();
    bump((n) => n + 1);
  }, [userId]);
  const wanted = versions.slice(0, CHART_VERSIONS).filter((v) => !cache.current.has(v.version));
  const key = wanted.map((v) => v.version).join(',');
  useEffect(() => {
    if (!wanted.length) return;
    let cancelled = false;
    const vars: Record<string, unknown> = { id: userId };
    const fields = wanted
      .map((v) => {
        vars[`a${v.version}`] = v.asOf;
        return `v${v.version}: profile(asOf: $a${v.version}) { version interests { label weight } facets { kind value weight } }`;
      })
      .join('\n');
    const decl = wanted.map((v) => `$a${v.version}: DateTime!`).join(', ');
    gql<{ user: Record<string, (Weights & { version: number }) | null> }>(
      `query Weights($id: ID!, ${decl}) { user(id: $id) { ${fields} } }`,
      vars,
    )
      .then((d) => {
        if (cancelled) return;
        for (const v of wanted) {
          const p = d.user[`v${v.version}`];
          // Two versions with the same event time: the earlier one cannot be reached by asOf; it is left out.
          if (p && p.version === v.version) cache.current.set(v.version, p);
          else cache.current.set(v.version, { interests: [], facets: [] });
        }
        bump((n) => n + 1);
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
    // Deliberately keyed on the version list (wanted is derived from it), not on the array identity.
  }, [userId, key]);
  return cache.current;
}

function ProfileView({ profile, heading, past }: { profile: ProfileData; heading: string; past: boolean }) {
  const maxInterest = Math.max(...profile.interests.map((i) => i.weight), 0.0001);
  const byKind = new Map<string, ProfileData['facets']>();
  for (const f of profile.facets) byKind.set(f.kind, [...(byKind.get(f.kind) ?? []), f]);
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
      <h3>Facets that moved in this version</h3>
      <FacetChanges changes={profile.changedFacets} />
    </Card>
  );
}

function WeightsChart({ title, data, keys }: { title: string; data: Array<Record<string, number>>; keys: string[] }) {
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      {keys.length === 0 || data.length === 0 ? (
        <p className="muted">Not enough versions yet.</p>
      ) : (
        <ResponsiveContainer width="100%" height={220}>
          <LineChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: -16 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="version" tickFormatter={(v: number) => `v${v}`} tick={{ fontSize: 11 }} />
            <YAxis tick={{ fontSize: 11 }} />
            <Tooltip
              labelFormatter={(v) => `version ${String(v)}`}
              formatter={(v) => (typeof v === 'number' ? v.toFixed(3) : String(v))}
            />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            {keys.map((k, i) => (
              <Line
                key={k}
                type="monotone"
                dataKey={k}
                stroke={PALETTE[i % PALETTE.length]}
                dot={false}
                strokeWidth={2}
                isAnimationActive={false}
                connectNulls
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      )}
    </figure>
  );
}

function Timeline({
  userId,
  versions,
  total,
  onView,
}: {
  userId: string;
  versions: VersionData[];
  total: number;
  onView: (v: VersionData) => void;
}) {
  const weights = useVersionWeights(userId, versions);
  const charted = [...versions.slice(0, CHART_VERSIONS)].reverse();
  const latest = weights.get(versions[0]?.version ?? -1);
  const interestKeys = (latest?.interests ?? []).slice(0, SERIES).map((i) => i.label);
  const facetKeys = (latest?.facets ?? [])
    .filter((f) => f.kind !== 'behavior' && f.kind !== 'activity')
    .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight))
    .slice(0, SERIES)
    .map((f) => `${f.kind}: ${f.value}`);
  const interestData = charted.map((v) => {
    const row: Record<string, number> = { version: v.version };
    for (const i of weights.get(v.version)?.interests ?? [])
      if (interestKeys.includes(i.label)) row[i.label] = i.weight;
    return row;
  });
  const facetData = charted.map((v) => {
    const row: Record<string, number> = { version: v.version };
    for (const f of weights.get(v.version)?.facets ?? [])
      if (facetKeys.includes(`${f.kind}: ${f.value}`)) row[`${f.kind}: ${f.value}`] = f.weight;
    return row;
  });
  const driftData = charted
    .filter((v) => v.drift !== null)
    .map((v) => ({
      t: new Date(v.asOf).getTime(),
      drift: v.drift!,
      short: v.driftShort ?? undefined,
      version: v.version,
    }));
  return (
    <Card id="timeline" title={`Timeline: ${total} versions`}>
      <div className="grid two">
        <WeightsChart
          title={`Interest weights over the last ${charted.length} versions`}
          data={interestData}
          keys={interestKeys}
        />
        <WeightsChart title="Facet weights over versions" data={facetData} keys={facetKeys} />
      </div>
      <figure className="chart">
        <figcaption>Drift over time (cosine distance from the previous version)</figcaption>
        {driftData.length === 0 ? (
          <p className="muted">No drift yet: a profile's first version has none.</p>
        ) : (
          <ResponsiveContainer width="100%" height={180}>
            <LineChart data={driftData} margin={{ top: 8, right: 12, bottom: 0, left: -16 }}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis
                dataKey="t"
                type="number"
                scale="time"
                domain={['dataMin', 'dataMax']}
                tickFormatter={(t: number) => new Date(t).toLocaleTimeString()}
                tick={{ fontSize: 11 }}
              />
              <YAxis tick={{ fontSize: 11 }} />
              <Tooltip
                labelFormatter={(t) => dateTime(Number(t))}
                formatter={(v) => (typeof v === 'number' ? v.toFixed(4) : String(v))}
              />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              <Line
                type="monotone"
                dataKey="drift"
                name="long-term"
                stroke={PALETTE[0]}
                strokeWidth={2}
                isAnimationActive={false}
              />
              <Line
                type="monotone"
                dataKey="short"
                name="short-term"
                stroke={PALETTE[1]}
                strokeWidth={2}
                isAnimationActive={false}
              />
            </LineChart>
          </ResponsiveContainer>
        )}
      </figure>
      <details>
        <summary>All versions as a table</summary>
        <div className="table-wrap">
          <table className="compact">
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">As of</th>
                <th scope="col">Events</th>
                <th scope="col">Drift</th>
                <th scope="col">Facets that moved</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody data-testid="versions">
              {versions.map((v) => (
                <tr key={v.version} data-testid="version-row">
                  <td>v{v.version}</td>
                  <td>{dateTime(v.asOf)}</td>
                  <td>{v.eventCount}</td>
                  <td>{fmt(v.drift)}</td>
                  <td>
                    <FacetChanges changes={v.changedFacets} max={3} />
                  </td>
                  <td>
                    <button type="button" className="link" onClick={() => onView(v)}>
                      View v{v.version}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </Card>
  );
}

function AsOfControl({
  versions,
  asOf,
  onChange,
}: {
  versions: VersionData[];
  asOf: string | null;
  onChange: (iso: string | null) => void;
}) {
  const [value, setValue] = useState(asOf ? toLocalInput(asOf) : '');
  useEffect(() => setValue(asOf ? toLocalInput(asOf) : ''), [asOf]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!value) return onChange(null);
    const d = new Date(value);
    if (!Number.isNaN(d.getTime())) onChange(d.toISOString());
  };
  return (
    <form className="asof inline" onSubmit={submit} aria-label="Profile as of a past moment">
      <label htmlFor="asof">Profile as of</label>
      <input id="asof" type="datetime-local" step="0.001" value={value} onChange={(e) => setValue(e.target.value)} />
      <button type="submit">Show</button>
      <label htmlFor="asof-version">or version</label>
      <select
        id="asof-version"
        value=""
        onChange={(e) => {
          const v = versions.find((x) => String(x.version) === e.target.value);
          if (v) onChange(v.asOf);
        }}
      >
        <option value="">choose…</option>
        {versions.map((v) => (
          <option key={v.version} value={v.version}>
            v{v.version} · {dateTime(v.asOf)}
          </option>
        ))}
      </select>
      <button type="button" className="secondary" disabled={!asOf} onClick={() => onChange(null)}>
        Back to now
      </button>
    </form>
  );
}

function Recommendations({ userId, refreshKey }: { userId: string; refreshKey: number }) {
  const [first, setFirst] = useState(10);
  const [explore, setExplore] = useState(0.1);
  const [seed, setSeed] = useState(1);
  const [categories, setCategories] = useState('');
  const [exclude, setExclude] = useState('');
  const [priceMin, setPriceMin] = useState('');
  const [priceMax, setPriceMax] = useState('');
  const list = (s: string) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  const filter: Record<string, unknown> = {};
  if (list(categories).length) filter.categories = list(categories);
  if (list(exclude).length) filter.excludeCategories = list(exclude);
  if (priceMin !== '') filter.priceMin = Number(priceMin);
  if (priceMax !== '') filter.priceMax = Number(priceMax);
  const { data, error, loading, refetch } = useQuery<{ user: { recommendations: RecommendationData[] } | null }>(RECS, {
    id: userId,
    first,
    explore,
    seed,
    filter: Object.keys(filter).length ? filter : null,
  });
  const mounted = useRef(false);
  useEffect(() => {
    if (mounted.current) void refetch();
    mounted.current = true;
    // Only a live update (refreshKey) re-runs this; variable changes already refetch inside useQuery.
  }, [refreshKey]);
  return (
    <Card
      id="recs"
      title="Recommendations now"
      actions={
        loading ? (
          <span className="muted" role="status">
            updating…
          </span>
        ) : null
      }
    >
      <form className="controls" onSubmit={(e) => e.preventDefault()} aria-label="Recommendation controls">
        <div>
          <label htmlFor="rec-first">How many</label>
          <input
            id="rec-first"
            type="number"
            min={1}
            max={100}
            value={first}
            onChange={(e) => setFirst(Math.max(1, Number(e.target.value) || 1))}
          />
        </div>
        <div>
          <label htmlFor="rec-explore">Exploration share: {explore.toFixed(2)}</label>
          <input
            id="rec-explore"
            type="range"
            min={0}
            max={1}
            step={0.05}
            value={explore}
            onChange={(e) => setExplore(Number(e.target.value))}
          />
        </div>
        <div>
          <label htmlFor="rec-seed">Exploration seed</label>
          <input id="rec-seed" type="number" value={seed} onChange={(e) => setSeed(Number(e.target.value) || 0)} />
        </div>
        <div>
          <label htmlFor="rec-cats">Only categories</label>
          <input
            id="rec-cats"
            placeholder="comma-separated"
            value={categories}
            onChange={(e) => setCategories(e.target.value)}
          />
        </div>
        <div>
          <label htmlFor="rec-excl">Exclude categories</label>
          <input
            id="rec-excl"
            placeholder="comma-separated"
            value={exclude}
            onChange={(e) => setExclude(e.target.value)}
          />
        </div>
        <div>
          <label htmlFor="rec-pmin">Price from</label>
          <input id="rec-pmin" type="number" min={0} value={priceMin} onChange={(e) => setPriceMin(e.target.value)} />
        </div>
        <div>
          <label htmlFor="rec-pmax">Price to</label>
          <input id="rec-pmax" type="number" min={0} value={priceMax} onChange={(e) => setPriceMax(e.target.value)} />
        </div>
      </form>
      <ErrorBox error={error} />
      {data?.user && <RecommendationList recs={data.user.recommendations} label={`Recommendations for ${userId}`} />}
    </Card>
  );
}

export function UserPage({ id }: { id: string }) {
  const { data, error, refetch } = useQuery<UserData>(USER, { id });
  const [asOf, setAsOf] = useState<string | null>(null);
  const past = useQuery<{ user: { profile: ProfileData | null } | null }>(PROFILE_AT, { id, asOf }, asOf !== null);
  const [refreshKey, setRefreshKey] = useState(0);
  const [lastLive, setLastLive] = useState<number | null>(null);
  useEffect(() => setAsOf(null), [id]);
  const liveError = useSubscription<{ profileUpdated: { version: number } }>(
    LIVE,
    { userId: id },
    ({ profileUpdated }) => {
      setLastLive(profileUpdated.version);
      void refetch();
      setRefreshKey((k) => k + 1);
    },
  );
  const versions = useMemo(() => data?.user?.profileHistory.edges.map((e) => e.node) ?? [], [data]);
  const user = data?.user;
  const shown = asOf ? past.data?.user?.profile : user?.profile;

  return (
    <>
      <h1>
        User <span className="id">{id}</span>
      </h1>
      <p className="muted" role="status" aria-live="polite">
        Updates by itself on every new profile version{lastLive !== null ? ` (last: v${lastLive})` : ''}.
      </p>
      <ErrorBox error={error ?? liveError} />
      {data && !user && <p>No user with id {id}.</p>}
      {user && (
        <>
          <AsOfControl versions={versions} asOf={asOf} onChange={setAsOf} />
          <ErrorBox error={asOf ? past.error : null} />
          {shown ? (
            <ProfileView
              profile={shown}
              past={asOf !== null}
              heading={asOf ? `Profile as of ${dateTime(asOf)}` : 'Profile now'}
            />
          ) : asOf && past.data ? (
            <Card title={`Profile as of ${dateTime(asOf)}`}>
              <p className="muted">No profile existed yet at that moment.</p>
            </Card>
          ) : !asOf ? (
            <Card title="Profile now">
              <p className="muted">No profile yet: recommendations come from attributes and onboarding text.</p>
            </Card>
          ) : null}
          <div className="grid two wide-first">
            <Recommendations userId={id} refreshKey={refreshKey} />
            <Card id="events" title={`Event log (${user.behaviors.totalCount})`}>
              <div className="table-wrap">
                <table className="compact">
                  <thead>
                    <tr>
                      <th scope="col">When</th>
                      <th scope="col">Type</th>
                      <th scope="col">Item</th>
                      <th scope="col">Value</th>
                    </tr>
                  </thead>
                  <tbody data-testid="events">
                    {user.behaviors.edges.map(({ node: b }) => (
                      <tr key={b.id}>
                        <td>{dateTime(b.occurredAt)}</td>
                        <td>{b.type.toLowerCase().replace(/_/g, ' ')}</td>
                        <td>
                          {b.itemId ? (
                            <Link to={itemPath(b.itemId)}>{b.item?.title ?? b.itemId}</Link>
                          ) : (
                            <span className="muted">{b.text ? `“${b.text.slice(0, 60)}”` : '—'}</span>
                          )}
                        </td>
                        <td>{b.value ?? ''}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {user.behaviors.totalCount > user.behaviors.edges.length && (
                <p className="muted">Newest {user.behaviors.edges.length} shown.</p>
              )}
            </Card>
          </div>
          <Timeline
            userId={id}
            versions={versions}
            total={user.profileHistory.totalCount}
            onView={(v) => {
              setAsOf(v.asOf);
              window.scrollTo(0, 0);
            }}
          />
          <Card title="User">
            <dl className="stats">
              <Stat label="Created" value={dateTime(user.createdAt)} />
              <Stat label="Onboarding text" value={user.onboardingText ?? '—'} />
            </dl>
            {Object.keys(user.attributes).length > 0 && (
              <pre className="json">{JSON.stringify(user.attributes, null, 2)}</pre>
            )}
          </Card>
        </>
      )}
    </>
  );
}
