// Encoder, index, catalogue and log sizes, and the recommender's configuration and sources (Query.modelInfo).
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useQuery } from '../api.js';
import { Card, ErrorBox, Stat } from '../components.js';

const MODEL = `query Model { modelInfo { databaseProvider explore
  encoder { id kind dim } index { kind mode size dim } catalogue { items indexedItems staleItems }
  log { users behaviors profiles profileVersions } memory { users coVisitationEntries transitionEntries segments }
  sources { name weight candidates } recommenderConfig profileConfig } }`;

interface ModelData {
  modelInfo: {
    databaseProvider: string;
    explore: number;
    encoder: { id: string; kind: string; dim: number };
    index: { kind: string; mode: string; size: number; dim: number };
    catalogue: { items: number; indexedItems: number; staleItems: number };
    log: { users: number; behaviors: number; profiles: number; profileVersions: number };
    memory: { users: number; coVisitationEntries: number; transitionEntries: number; segments: number };
    sources: Array<{ name: string; weight: number; candidates: number }>;
    recommenderConfig: Record<string, unknown>;
    profileConfig: Record<string, unknown>;
  };
}

const n = (x: number) => x.toLocaleString();

export function ModelPage() {
  const { data, error, refetch, loading } = useQuery<ModelData>(MODEL, {});
  const m = data?.modelInfo;
  return (
    <>
      <h1>Model</h1>
      <button type="button" className="secondary" onClick={() => void refetch()} disabled={loading}>
        {loading ? 'Refreshing…' : 'Refresh'}
      </button>
      <ErrorBox error={error} />
      {m && (
        <>
          <div className="grid three">
            <Card title="Encoder">
              <dl className="stats">
                <Stat label="Kind" value={m.encoder.kind} />
                <Stat label="Id" value={<code data-testid="encoder-id">{m.encoder.id}</code>} />
                <Stat label="Dimensions" value={m.encoder.dim} />
              </dl>
            </Card>
            <Card title="Vector index">
              <dl className="stats">
                <Stat label="Configured" value={m.index.kind} />
                <Stat label="Answering now" value={m.index.mode} />
                <Stat label="Vectors" value={n(m.index.size)} />
              </dl>
            </Card>
            <Card title="Catalogue">
              <dl className="stats">
                <Stat label="Items stored" value={<span data-testid="items-stored">{n(m.catalogue.items)}</span>} />
                <Stat label="In the recommender" value={n(m.catalogue.indexedItems)} />
                <Stat label="Awaiting re-embedding" value={n(m.catalogue.staleItems)} />
              </dl>
            </Card>
            <Card title={`Log (${m.databaseProvider})`}>
              <dl className="stats">
                <Stat label="Users" value={n(m.log.users)} />
                <Stat label="Events" value={n(m.log.behaviors)} />
                <Stat label="Profiles" value={n(m.log.profiles)} />
                <Stat label="Profile versions" value={n(m.log.profileVersions)} />
              </dl>
            </Card>
            <Card title="Recommender memory">
              <dl className="stats">
                <Stat label="Users tracked" value={n(m.memory.users)} />
                <Stat label="Co-visitation entries" value={n(m.memory.coVisitationEntries)} />
                <Stat label="Transition entries" value={n(m.memory.transitionEntries)} />
                <Stat label="Segments" value={n(m.memory.segments)} />
              </dl>
            </Card>
            <Card title="Exploration">
              <dl className="stats">
                <Stat label="Default share (RECOMMEND_EXPLORE)" value={m.explore} />
              </dl>
            </Card>
          </div>
          <Card title="Candidate sources">
            <div className="grid two">
              <figure
                className="chart"
                role="img"
                aria-label={m.sources.map((s) => `${s.name} ${s.weight}`).join(', ')}
              >
                <figcaption>Blend weight per source</figcaption>
                <ResponsiveContainer width="100%" height={200}>
                  <BarChart data={m.sources} margin={{ top: 8, right: 8, bottom: 0, left: -20 }}>
                    <CartesianGrid strokeDasharray="3 3" vertical={false} />
                    <XAxis dataKey="name" tick={{ fontSize: 11 }} />
                    <YAxis tick={{ fontSize: 11 }} />
                    <Tooltip />
                    <Bar dataKey="weight" fill="#862e9c" isAnimationActive={false} />
                  </BarChart>
                </ResponsiveContainer>
              </figure>
              <table className="compact">
                <thead>
                  <tr>
                    <th scope="col">Source</th>
                    <th scope="col">Weight</th>
                    <th scope="col">Candidates per request</th>
                  </tr>
                </thead>
                <tbody>
                  {m.sources.map((s) => (
                    <tr key={s.name}>
                      <td>{s.name}</td>
                      <td>{s.weight}</td>
                      <td>{s.candidates}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </Card>
          <div className="grid two">
            <Card title="Recommender configuration">
              <details>
                <summary>Show JSON</summary>
                <pre className="json">{JSON.stringify(m.recommenderConfig, null, 2)}</pre>
              </details>
            </Card>
            <Card title="Profile configuration">
              <pre className="json">{JSON.stringify(m.profileConfig, null, 2)}</pre>
            </Card>
          </div>
        </>
      )}
    </>
  );
}
