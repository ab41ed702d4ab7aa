// Every user's profile updates as they happen: rate, drift and the facets that moved.
import { useEffect, useState } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useSubscription } from '../api.js';
import { Card, ErrorBox, FacetChanges, Stat, type FacetChangeData } from '../components.js';
import { fmt, time } from '../format.js';
import { Link, userPath } from '../router.js';

const FEED = `subscription Feed { profileUpdated { userId version drift changedFacets { kind value delta } profile { eventCount summary } } }`;

interface Update {
  userId: string;
  version: number;
  drift: number | null;
  changedFacets: FacetChangeData[];
  profile: { eventCount: number; summary: string };
}
interface Entry extends Update {
  at: number;
  key: string;
}

const KEEP = 200;
const BUCKET_MS = 5_000;
const WINDOW_MS = 120_000;

export function FeedPage() {
  const [entries, setEntries] = useState<Entry[]>([]);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const error = useSubscription<{ profileUpdated: Update }>(FEED, {}, ({ profileUpdated: u }) => {
    setEntries((prev) => [{ ...u, at: Date.now(), key: `${u.userId}#${u.version}` }, ...prev].slice(0, KEEP));
  });

  // `now` only ticks the clock; the render time is the true end, so updates since the last tick are counted.
  const end0 = Math.max(now, Date.now());
  const lastMinute = entries.filter((e) => end0 - e.at < 60_000);
  const drifts = lastMinute.map((e) => e.drift).filter((d): d is number => d !== null);
  const meanDrift = drifts.length ? drifts.reduce((a, b) => a + b, 0) / drifts.length : null;
  const buckets = Array.from({ length: WINDOW_MS / BUCKET_MS }, (_, i) => {
    const end = end0 - (WINDOW_MS / BUCKET_MS - 1 - i) * BUCKET_MS;
    const inBucket = entries.filter((e) => e.at <= end && e.at > end - BUCKET_MS);
    return { t: `−${Math.round((end0 - end) / 1000)}s`, updates: inBucket.length };
  });

  return (
    <>
      <h1>Live feed</h1>
      <ErrorBox error={error} />
      <Card title="Rate">
        <div className="rate">
          <dl className="stats">
            <Stat label="Updates in the last minute" value={<span data-testid="rate">{lastMinute.length}</span>} />
            <Stat label="Users updating" value={new Set(lastMinute.map((e) => e.userId)).size} />
            <Stat label="Mean drift (last minute)" value={fmt(meanDrift)} />
            <Stat label="Seen since opened" value={entries.length === KEEP ? `${KEEP}+` : entries.length} />
          </dl>
          <figure className="chart" role="img" aria-label={`${lastMinute.length} profile updates in the last minute`}>
            <figcaption>Updates per 5 seconds, last 2 minutes</figcaption>
            <ResponsiveContainer width="100%" height={130}>
              <BarChart data={buckets} margin={{ top: 4, right: 8, bottom: 0, left: -20 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="t" interval={5} tick={{ fontSize: 11 }} />
                <YAxis allowDecimals={false} tick={{ fontSize: 11 }} />
                <Tooltip />
                <Bar dataKey="updates" fill="#1f6feb" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </figure>
        </div>
      </Card>
      <Card title="Profile updates, newest first">
        {entries.length === 0 ? (
          <p className="muted">Waiting for the first profile update… Record a behaviour and it shows here.</p>
        ) : (
          <div className="table-wrap">
            <table className="feed">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">User</th>
                  <th scope="col">Version</th>
                  <th scope="col">Drift</th>
                  <th scope="col">Facets that moved</th>
                </tr>
              </thead>
              <tbody data-testid="feed">
                {entries.map((e) => (
                  <tr key={e.key} data-testid="feed-row">
                    <td>{time(e.at)}</td>
                    <td>
                      <Link to={userPath(e.userId)}>{e.userId}</Link>
                    </td>
                    <td>v{e.version}</td>
                    <td>{fmt(e.drift)}</td>
                    <td>
                      <FacetChanges changes={e.changedFacets} max={4} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </>
  );
}
