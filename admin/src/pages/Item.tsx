// One catalogue item: its fields, similar items with reasons, and how many events and users touch it.
import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useQuery } from '../api.js';
import { Card, ErrorBox, Pager, RecommendationList, Stat, type RecommendationData } from '../components.js';
import { dateTime } from '../format.js';
import { itemPath, Link } from '../router.js';
import { OpenById } from './Users.js';

const ITEMS = `query Items($after: String, $category: String) { items(first: 50, after: $after, category: $category) { totalCount
  pageInfo { endCursor hasNextPage } edges { node { id title category price } } } }`;

interface ItemsData {
  items: {
    totalCount: number;
    pageInfo: { endCursor: string | null; hasNextPage: boolean };
    edges: Array<{ node: { id: string; title: string; category: string | null; price: number | null } }>;
  };
}

export function ItemsPage() {
  const [after, setAfter] = useState<string | null>(null);
  const [category, setCategory] = useState('');
  const { data, error } = useQuery<ItemsData>(ITEMS, { after, category: category.trim() || null });
  return (
    <>
      <h1>Items</h1>
      <div className="row">
        <OpenById label="Item id" to={itemPath} />
        <div className="inline">
          <label htmlFor="item-category">Category</label>
          <input
            id="item-category"
            value={category}
            onChange={(e) => {
              setCategory(e.target.value);
              setAfter(null);
            }}
          />
        </div>
      </div>
      <ErrorBox error={error} />
      {data && (
        <Card title={`${data.items.totalCount} items`}>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Item</th>
                  <th scope="col">Category</th>
                  <th scope="col">Price</th>
                </tr>
              </thead>
              <tbody>
                {data.items.edges.map(({ node }) => (
                  <tr key={node.id}>
                    <td>
                      <Link to={itemPath(node.id)}>{node.title}</Link> <span className="muted">{node.id}</span>
                    </td>
                    <td>{node.category ?? '—'}</td>
                    <td>{node.price ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager after={after} pageInfo={data.items.pageInfo} onPage={setAfter} />
        </Card>
      )}
    </>
  );
}

const ITEM = `query Item($id: ID!) { item(id: $id) { id title description category tags brand price attributes encoderId createdAt updatedAt
  interactions { total users byType { type count } } } }`;
const SIMILAR = `query Similar($id: ID!, $first: Int) { similarItems(itemId: $id, first: $first) { score item { id title category price } reasons { kind text itemId } } }`;

interface ItemData {
  item: {
    id: string;
    title: string;
    description: string | null;
    category: string | null;
    tags: string[];
    brand: string | null;
    price: number | null;
    attributes: Record<string, unknown>;
    encoderId: string | null;
    createdAt: string;
    updatedAt: string;
    interactions: { total: number; users: number; byType: Array<{ type: string; count: number }> };
  } | null;
}

export function ItemPage({ id }: { id: string }) {
  const { data, error } = useQuery<ItemData>(ITEM, { id });
  const [first, setFirst] = useState(10);
  const similar = useQuery<{ similarItems: RecommendationData[] }>(SIMILAR, { id, first }, Boolean(data?.item));
  const item = data?.item;
  return (
    <>
      <h1>
        Item <span className="id">{id}</span>
      </h1>
      <ErrorBox error={error} />
      {data && !item && <p>No item with id {id}.</p>}
      {item && (
        <>
          <div className="grid two">
            <Card title={item.title}>
              {item.description && <p>{item.description}</p>}
              <dl className="stats">
                <Stat label="Category" value={item.category ?? '—'} />
                <Stat label="Brand" value={item.brand ?? '—'} />
                <Stat label="Price" value={item.price ?? '—'} />
                <Stat label="Tags" value={item.tags.join(', ') || '—'} />
                <Stat label="Encoder" value={item.encoderId ?? 'no vector'} />
                <Stat label="Updated" value={dateTime(item.updatedAt)} />
              </dl>
              {Object.keys(item.attributes).length > 0 && (
                <pre className="json">{JSON.stringify(item.attributes, null, 2)}</pre>
              )}
            </Card>
            <Card title="Who interacts with it">
              <dl className="stats">
                <Stat label="Events" value={<span data-testid="item-events">{item.interactions.total}</span>} />
                <Stat label="Distinct users" value={<span data-testid="item-users">{item.interactions.users}</span>} />
              </dl>
              {item.interactions.byType.length > 0 ? (
                <figure
                  className="chart"
                  role="img"
                  aria-label={item.interactions.byType.map((t) => `${t.count} ${t.type.toLowerCase()}`).join(', ')}
                >
                  <ResponsiveContainer width="100%" height={180}>
                    <BarChart
                      data={item.interactions.byType.map((t) => ({
                        type: t.type.toLowerCase().replace(/_/g, ' '),
                        count: t.count,
                      }))}
                      margin={{ top: 8, right: 8, bottom: 0, left: -20 }}
                    >
                      <CartesianGrid strokeDasharray="3 3" vertical={false} />
                      <XAxis dataKey="type" tick={{ fontSize: 11 }} />
                      <YAxis allowDecimals={false} tick={{ fontSize: 11 }} />
                      <Tooltip />
                      <Bar dataKey="count" fill="#2b8a3e" isAnimationActive={false} />
                    </BarChart>
                  </ResponsiveContainer>
                </figure>
              ) : (
                <p className="muted">No events about this item yet.</p>
              )}
            </Card>
          </div>
          <Card
            title="Similar items"
            actions={
              <span className="inline">
                <label htmlFor="similar-first">How many</label>
                <input
                  id="similar-first"
                  type="number"
                  min={1}
                  max={100}
                  value={first}
                  onChange={(e) => setFirst(Math.max(1, Number(e.target.value) || 1))}
                />
              </span>
            }
          >
            <ErrorBox error={similar.error} />
            {similar.data && (
              <RecommendationList recs={similar.data.similarItems} label={`Items similar to ${item.title}`} />
            )}
          </Card>
        </>
      )}
    </>
  );
}
