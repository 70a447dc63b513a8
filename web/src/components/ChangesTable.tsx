import type { Change } from '../api/types';
import { formatDateTime } from '../lib/format';
import { safeHref } from '../lib/url';
import { Badge } from './Badge';

/** Changes (deploys, flags, config) with their links, http(s) only. */
export function ChangesTable({
  changes,
  showService = true,
}: {
  changes: readonly Change[];
  showService?: boolean;
}) {
  return (
    <div className="table-wrap">
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">When</th>
            {showService && <th scope="col">Service</th>}
            <th scope="col">Change</th>
            <th scope="col">Version</th>
            <th scope="col">Author</th>
          </tr>
        </thead>
        <tbody>
          {changes.map((c) => (
            <tr key={c.id}>
              <th scope="row">
                <time dateTime={c.timestamp}>{formatDateTime(c.timestamp)}</time>
              </th>
              {showService && <td>{c.service}</td>}
              <td>
                <Badge tone="info">{c.type ?? 'change'}</Badge> {c.summary}
                {c.links.map((l) => {
                  const href = safeHref(l.href);
                  return href ? (
                    <a key={l.href} href={href} rel="noreferrer noopener" target="_blank" className="small">
                      {' '}
                      {l.text ?? 'link'}
                    </a>
                  ) : null;
                })}
              </td>
              <td>{c.version ? <code>{c.version}</code> : '—'}</td>
              <td>{c.author ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
