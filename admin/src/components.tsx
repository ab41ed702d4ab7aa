import type { ReactNode } from 'react';
import { signed } from './format.js';
import { Link, itemPath } from './router.js';

export function Card({
  title,
  children,
  actions,
  id,
}: {
  title: ReactNode;
  children: ReactNode;
  actions?: ReactNode;
  id?: string;
}) {
  return (
    <section className="card" aria-labelledby={id ? `${id}-title` : undefined}>
      <header className="card-head">
        <h2 id={id ? `${id}-title` : undefined}>{title}</h2>
        {actions}
      </header>
      {children}
    </section>
  );
}

export function ErrorBox({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {error}
    </p>
  );
}

export interface FacetChangeData {
  kind: string;
  value: string;
  delta: number;
}

export function FacetChanges({ changes, max = 6 }: { changes: FacetChangeData[]; max?: number }) {
  if (!changes.length) return <span className="muted">no facet moved</span>;
  return (
    <ul className="chips" aria-label="Changed facets">
      {changes.slice(0, max).map((c) => (
        <li key={`${c.kind}:${c.value}`} className={c.delta >= 0 ? 'chip up' : 'chip down'}>
          <span className="chip-kind">{c.kind}</span> {c.value} <span className="chip-delta">{signed(c.delta, 2)}</span>
        </li>
      ))}
      {changes.length > max && <li className="chip more">+{changes.length - max} more</li>}
    </ul>
  );
}

/** A weight as a labelled bar: the number is the text, the bar only decorates. */
export function WeightBar({ weight, max = 1 }: { weight: number; max?: number }) {
  const pct = Math.max(0, Math.min(100, (Math.abs(weight) / (max || 1)) * 100));
  return (
    <span className="weight">
      <span className="weight-bar" aria-hidden="true">
        <span style={{ width: `${pct}%` }} className={weight < 0 ? 'neg' : undefined} />
      </span>
      <span className="weight-num">{weight.toFixed(3)}</span>
    </span>
  );
}

export interface RecommendationData {
  score: number;
  item: { id: string; title: string; category: string | null; price?: number | null };
  reasons: Array<{ kind: string; text: string; itemId: string | null }>;
}

export function RecommendationList({ recs, label }: { recs: RecommendationData[]; label: string }) {
  if (!recs.length) return <p className="muted">No recommendations.</p>;
  return (
    <ol className="recs" aria-label={label}>
      {recs.map((r) => (
        <li key={r.item.id} className="rec" data-testid="recommendation">
          <div className="rec-head">
            <Link to={itemPath(r.item.id)}>{r.item.title}</Link>
            <span className="muted">
              {r.item.category ?? 'no category'}
              {r.item.price != null ? ` · ${r.item.price}` : ''} · score {r.score.toFixed(3)}
            </span>
          </div>
          <ul className="reasons" aria-label={`Why ${r.item.title}`}>
            {r.reasons.map((reason, i) => (
              <li key={i} data-testid="reason">
                <span className={`badge reason-${reason.kind.toLowerCase()}`}>
                  {reason.kind.replace(/_/g, ' ').toLowerCase()}
                </span>{' '}
                {reason.text}
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ol>
  );
}

export function Stat({ label, value }: { label: string; value: ReactNode }) {
  return (
    <div className="stat">
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

/** First-page / next-page buttons for a cursor-paged list. */
export function Pager({
  after,
  pageInfo,
  onPage,
}: {
  after: string | null;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  onPage: (cursor: string | null) => void;
}) {
  return (
    <div className="pager">
      {after && (
        <button type="button" className="secondary" onClick={() => onPage(null)}>
          First page
        </button>
      )}
      {pageInfo.hasNextPage && (
        <button type="button" onClick={() => onPage(pageInfo.endCursor)}>
          Next page
        </button>
      )}
    </div>
  );
}
