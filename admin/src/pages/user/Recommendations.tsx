// Explained recommendations for the user now, with the controls a request takes; re-fetched on a live update.
import { useEffect, useRef, useState } from 'react';
import { useQuery } from '../../api.js';
import { Card, ErrorBox, RecommendationList, type RecommendationData } from '../../components.js';

const RECS = `query Recs($id: ID!, $first: Int, $explore: Float, $seed: Int, $filter: RecommendationFilter) { user(id: $id) {
  recommendations(first: $first, explore: $explore, seed: $seed, filter: $filter) { score item { id title category price } reasons { kind text itemId } } } }`;

export function Recommendations({ userId, refreshKey }: { userId: string; refreshKey: number }) {
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
