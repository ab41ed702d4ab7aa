// One user: the profile now (or at any past moment), its versions charted, the event log, and explained
// recommendations; refreshes itself when the user's profile gets a new version.
import { useEffect, useMemo, useState } from 'react';
import { useQuery, useSubscription } from '../api.js';
import { Card, ErrorBox, Stat } from '../components.js';
import { dateTime } from '../format.js';
import { AsOfControl } from './user/AsOfControl.js';
import { EventLog } from './user/EventLog.js';
import { ProfileView } from './user/ProfileView.js';
import { Recommendations } from './user/Recommendations.js';
import { Timeline } from './user/Timeline.js';
import type { ProfileData, UserData } from './user/types.js';

const PROFILE_FIELDS = `version eventCount summary updatedAt drift driftShort
  interests { label weight topItemIds } facets { kind value weight } changedFacets { kind value delta }`;

const USER = `query User($id: ID!) { user(id: $id) { id createdAt onboardingText attributes
  profile { ${PROFILE_FIELDS} }
  profileHistory(first: 100) { totalCount edges { node { version asOf drift driftShort eventCount hasSnapshot changedFacets { kind value delta } } } }
  behaviors(first: 25) { totalCount edges { node { id eventId type itemId item { title } value text occurredAt } } } } }`;

const PROFILE_AT = `query ProfileAt($id: ID!, $asOf: DateTime!) { user(id: $id) { profile(asOf: $asOf) { ${PROFILE_FIELDS} } } }`;

const LIVE = `subscription UserLive($userId: ID) { profileUpdated(userId: $userId) { version } }`;

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
            <EventLog behaviors={user.behaviors} />
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
