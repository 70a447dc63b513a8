/** The postmortem draft of an incident, rendered from Markdown safely, with its source to copy. */
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, call } from '../api/client';
import { Markdown } from '../components/Markdown';
import { ErrorNotice, Loading } from '../components/Notice';
import { useReady } from '../hooks/use-ready';
import { useResource } from '../hooks/use-resource';
import { useTitle } from '../hooks/use-title';

export function PostmortemPage() {
  const raw = useParams().number ?? '';
  const number = Number(raw);
  useTitle(`Postmortem #${raw}`);
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const { data, error } = useResource(
    async (signal) =>
      Number.isInteger(number) && number > 0
        ? (
            await call(
              api.GET('/api/v1/incidents/{number}/postmortem', {
                params: { path: { number }, query: { timeZone } },
                signal,
              }),
            )
          ).markdown
        : Promise.reject(new Error(`“${raw}” is not an incident number.`)),
    raw,
  );
  useReady('postmortem', data !== undefined);
  const [copied, setCopied] = useState(false);
  const [source, setSource] = useState(false);

  return (
    <>
      <p className="breadcrumb">
        <Link to="/incidents">Incidents</Link> / <Link to={`/incidents/${raw}`}>#{raw}</Link> / postmortem
      </p>
      <div className="page-head">
        <h1>Postmortem draft for incident #{raw}</h1>
      </div>
      <ErrorNotice error={error} prefix="Could not load the postmortem" />
      {!data && !error && <Loading what="the postmortem" />}
      {data !== undefined && (
        <>
          <div className="form-row">
            <button
              type="button"
              onClick={() =>
                void navigator.clipboard?.writeText(data).then(
                  () => setCopied(true),
                  () => setCopied(false),
                )
              }
            >
              Copy Markdown
            </button>
            <button type="button" aria-pressed={source} onClick={() => setSource((s) => !s)}>
              Show Markdown source
            </button>
            <span role="status" className="muted">
              {copied ? 'Copied.' : ''}
            </span>
          </div>
          <article className="card postmortem">
            {source ? (
              <pre data-testid="postmortem-source">{data}</pre>
            ) : (
              <Markdown source={data} shiftHeadings={1} />
            )}
          </article>
        </>
      )}
    </>
  );
}
