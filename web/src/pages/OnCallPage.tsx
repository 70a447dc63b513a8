/**
 * Who is on call now, every schedule over the next 14 days, and overrides (which responders
 * create and remove here).
 */
import { type FormEvent, useState } from 'react';
import { announce } from '../announce';
import { api, call } from '../api/client';
import type { OnCallNow, ScheduleView } from '../api/types';
import { Empty, ErrorNotice, Loading } from '../components/Notice';
import { DayAxis, ShiftRow } from '../components/ShiftTimeline';
import { useReady } from '../hooks/use-ready';
import { useResource } from '../hooks/use-resource';
import { useTitle } from '../hooks/use-title';
import { formatDateTime, formatRelative } from '../lib/format';
import { canRespond } from '../lib/roles';
import { DAY, fromLocalInput, HOUR, startOfDay, toLocalInput } from '../lib/time';
import { useLive } from '../live';
import { useUser } from '../session';

const DAYS = 14;

async function loadOnCall(signal: AbortSignal) {
  const now = Date.now();
  const from = startOfDay(now);
  const to = from + DAYS * DAY;
  const { schedules } = await call(api.GET('/api/v1/oncall', { signal }));
  const views = await Promise.all(
    schedules.map((s) =>
      call(
        api.GET('/api/v1/schedules/{name}', {
          params: {
            path: { name: s.schedule },
            query: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
          },
          signal,
        }),
      ),
    ),
  );
  return { now, from, to, schedules, views };
}

export function OnCallPage() {
  useTitle('On-call');
  const user = useUser();
  const { data, error, refetch } = useResource(loadOnCall, 'oncall');
  useLive(['oncall'], refetch);
  useReady('oncall', data !== undefined);
  const responder = canRespond(user.role);

  return (
    <>
      <h1>On-call</h1>
      <ErrorNotice error={error} prefix={data ? 'Could not refresh' : 'Could not load on-call'} />
      {!data && !error && <Loading what="schedules" />}
      {data &&
        (data.schedules.length === 0 ? (
          <Empty>No schedules in the catalog.</Empty>
        ) : (
          <>
            <NowTable schedules={data.schedules} />
            <section aria-labelledby="timeline-heading">
              <h2 id="timeline-heading">Next {DAYS} days</h2>
              <div className="card shift-card">
                <DayAxis from={data.from} to={data.to} />
                {data.views.map((v) => (
                  <div key={v.schedule} className="shift-group" data-testid={`schedule-${v.schedule}`}>
                    <ShiftRow
                      label={v.schedule}
                      shifts={v.final}
                      gaps={v.gaps}
                      from={data.from}
                      to={data.to}
                      now={data.now}
                    />
                    {v.layers.length > 1 &&
                      v.layers.map((l) => (
                        <ShiftRow
                          key={l.name}
                          label={`layer ${l.name}`}
                          shifts={l.shifts}
                          from={data.from}
                          to={data.to}
                          now={data.now}
                          small
                        />
                      ))}
                  </div>
                ))}
                <p className="muted small">
                  The red line is now; dashed outlines are overrides; hatched stretches have nobody on call.
                </p>
              </div>
            </section>
            <Overrides views={data.views} responder={responder} onChanged={refetch} />
            {responder && (
              <CreateOverride schedules={data.schedules.map((s) => s.schedule)} onChanged={refetch} />
            )}
          </>
        ))}
    </>
  );
}

function NowTable({ schedules }: { schedules: readonly OnCallNow[] }) {
  return (
    <section aria-labelledby="now-heading">
      <h2 id="now-heading">On call now</h2>
      <div className="table-wrap">
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Schedule</th>
              <th scope="col">On call</th>
              <th scope="col">Until</th>
              <th scope="col">Next</th>
            </tr>
          </thead>
          <tbody>
            {schedules.map((s) => (
              <tr key={s.schedule} data-testid={`oncall-${s.schedule}`}>
                <th scope="row">
                  {s.displayName ?? s.schedule} <span className="muted small">({s.timeZone})</span>
                </th>
                <td>
                  {s.onCall ? (
                    <>
                      <strong>{s.onCall.user}</strong>
                      {s.onCall.source === 'override' && <span className="muted"> (override)</span>}
                    </>
                  ) : (
                    <span className="is-bad">Nobody</span>
                  )}
                </td>
                <td>
                  {s.onCall ? `${formatDateTime(s.onCall.end)} (${formatRelative(s.onCall.end)})` : '—'}
                </td>
                <td>{s.next ? `${s.next.user ?? 'nobody'} from ${formatDateTime(s.next.at)}` : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Overrides({
  views,
  responder,
  onChanged,
}: {
  views: readonly ScheduleView[];
  responder: boolean;
  onChanged: () => void;
}) {
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState<string | null>(null);
  const overrides = views.flatMap((v) => v.overrides);

  async function remove(schedule: string, id: string, who: string) {
    setBusy(id);
    setError(undefined);
    try {
      await call(
        api.DELETE('/api/v1/schedules/{name}/overrides/{id}', { params: { path: { name: schedule, id } } }),
      );
      announce(`Override for ${who} removed`);
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  }

  return (
    <section aria-labelledby="overrides-heading">
      <h2 id="overrides-heading">Overrides</h2>
      <ErrorNotice error={error} prefix="Could not remove the override" />
      {overrides.length === 0 ? (
        <Empty>No overrides in the next {DAYS} days.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Schedule</th>
                <th scope="col">On call</th>
                <th scope="col">From</th>
                <th scope="col">To</th>
                <th scope="col">Reason</th>
                <th scope="col">By</th>
                {responder && (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {overrides.map((o) => (
                <tr key={o.id}>
                  <th scope="row">{o.schedule}</th>
                  <td>{o.user}</td>
                  <td>{formatDateTime(o.start)}</td>
                  <td>{formatDateTime(o.end)}</td>
                  <td>{o.reason ?? '—'}</td>
                  <td>{o.createdBy}</td>
                  {responder && (
                    <td>
                      <button
                        type="button"
                        className="button-danger"
                        disabled={busy !== null}
                        aria-label={`Remove the override for ${o.user} on ${o.schedule}`}
                        onClick={() => void remove(o.schedule, o.id, o.user)}
                      >
                        Remove
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function CreateOverride({ schedules, onChanged }: { schedules: readonly string[]; onChanged: () => void }) {
  const [schedule, setSchedule] = useState(schedules[0] ?? '');
  const [who, setWho] = useState('');
  const [start, setStart] = useState(() => toLocalInput(Date.now()));
  const [end, setEnd] = useState(() => toLocalInput(Date.now() + 8 * HOUR));
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const startIso = fromLocalInput(start);
    const endIso = fromLocalInput(end);
    if (!endIso) {
      setError(new Error('Give the end of the override.'));
      return;
    }
    setBusy(true);
    setError(undefined);
    setDone(null);
    try {
      await call(
        api.POST('/api/v1/schedules/{name}/overrides', {
          params: { path: { name: schedule } },
          body: {
            user: who.trim(),
            end: endIso,
            ...(startIso && { start: startIso }),
            ...(reason.trim() && { reason: reason.trim() }),
          },
        }),
      );
      const text = `${who.trim()} is on call for ${schedule} from ${formatDateTime(startIso ?? Date.now())}`;
      setDone(text);
      announce(`Override created: ${text}`);
      setWho('');
      setReason('');
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="create-override-heading">
      <h2 id="create-override-heading">Create an override</h2>
      <form onSubmit={(e) => void submit(e)}>
        <div className="form-grid">
          <label>
            Schedule
            <select value={schedule} onChange={(e) => setSchedule(e.target.value)}>
              {schedules.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          <label>
            Who (catalog user)
            <input value={who} onChange={(e) => setWho(e.target.value)} required />
          </label>
          <label>
            From
            <input type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} />
          </label>
          <label>
            To
            <input type="datetime-local" value={end} onChange={(e) => setEnd(e.target.value)} required />
          </label>
          <label>
            Reason
            <input value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
        </div>
        <ErrorNotice error={error} prefix="Could not create the override" />
        {done && (
          <p className="notice notice-ok" role="status">
            Created: {done}.
          </p>
        )}
        <div className="form-row">
          <button type="submit" className="button-primary" disabled={busy || !schedule || !who.trim()}>
            Create override
          </button>
        </div>
      </form>
    </section>
  );
}
