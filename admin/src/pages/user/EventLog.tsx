// The user's event log: the events the page fetched, each linked to its item.
import { Card } from '../../components.js';
import { dateTime } from '../../format.js';
import { Link, itemPath } from '../../router.js';
import type { BehaviorData } from './types.js';

export function EventLog({ behaviors }: { behaviors: { totalCount: number; edges: Array<{ node: BehaviorData }> } }) {
  return (
    <Card id="events" title={`Event log (${behaviors.totalCount})`}>
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
            {behaviors.edges.map(({ node: b }) => (
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
      {behaviors.totalCount > behaviors.edges.length && <p className="muted">Newest {behaviors.edges.length} shown.</p>}
    </Card>
  );
}
