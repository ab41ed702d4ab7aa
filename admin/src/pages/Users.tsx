// The users list, and the open-by-id form that the items list shares.
import { useState, type FormEvent } from 'react';
import { useQuery } from '../api.js';
import { Card, ErrorBox, Pager } from '../components.js';
import { Link, navigate, userPath } from '../router.js';

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
          <Pager after={after} pageInfo={data.users.pageInfo} onPage={setAfter} />
        </Card>
      )}
    </>
  );
}
