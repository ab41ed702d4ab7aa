// The profile's versions: interest and facet weights charted per version, drift over time, all versions as a table.
import { useEffect, useRef, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { gql } from '../../api.js';
import { Card, FacetChanges } from '../../components.js';
import { dateTime, fmt, PALETTE } from '../../format.js';
import type { VersionData } from './types.js';

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

export function Timeline({
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
