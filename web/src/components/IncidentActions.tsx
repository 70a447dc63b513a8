/**
 * What responders do to an incident: acknowledge, resolve, reopen, notes, fields, status
 * updates. Each action refetches the incident; a refusal (403, 409) is said in words.
 */
import { type FormEvent, useState } from 'react';
import { api, call } from '../api/client';
import type { IncidentDetail, IncidentPatch, Priority, Severity, StatusUpdateBody } from '../api/types';
import { useAction } from '../hooks/use-action';
import { ErrorNotice } from './Notice';

type Lifecycle = 'acknowledge' | 'resolve' | 'reopen';
type UpdateStatus = NonNullable<StatusUpdateBody['status']>;

const SEVERITIES: readonly Severity[] = ['critical', 'error', 'warning', 'info'];
const PRIORITIES: readonly Priority[] = ['P1', 'P2', 'P3', 'P4', 'P5'];
const UPDATE_STATUSES: readonly UpdateStatus[] = ['investigating', 'identified', 'monitoring', 'resolved'];

type Shown = Pick<
  IncidentDetail,
  'number' | 'status' | 'severity' | 'priority' | 'assignee' | 'roles' | 'mergedInto'
>;

export function IncidentActions({ incident, onChanged }: { incident: Shown; onChanged: () => void }) {
  const number = incident.number;
  const { busy, error, done, run, say } = useAction(onChanged);
  const merged = incident.mergedInto !== null;

  // Lifecycle
  const [message, setMessage] = useState('');
  const lifecycle = (action: Lifecycle, label: string) =>
    void run(label, async () => {
      const body = message.trim() ? { message: message.trim() } : {};
      const path = { params: { path: { number } }, body };
      if (action === 'acknowledge') await call(api.POST('/api/v1/incidents/{number}/acknowledge', path));
      else if (action === 'resolve') await call(api.POST('/api/v1/incidents/{number}/resolve', path));
      else await call(api.POST('/api/v1/incidents/{number}/reopen', path));
      setMessage('');
    });

  // Note
  const [note, setNote] = useState('');
  const addNote = (event: FormEvent) => {
    event.preventDefault();
    const text = note.trim();
    if (!text) return;
    void run('Note added', async () => {
      await call(
        api.POST('/api/v1/incidents/{number}/notes', { params: { path: { number } }, body: { text } }),
      );
      setNote('');
    });
  };

  // Status update
  const [update, setUpdate] = useState('');
  const [updateStatus, setUpdateStatus] = useState<UpdateStatus>('investigating');
  const [isPublic, setPublic] = useState(false);
  const postUpdate = (event: FormEvent) => {
    event.preventDefault();
    const text = update.trim();
    if (!text) return;
    void run(isPublic ? 'Public status update posted' : 'Status update posted', async () => {
      await call(
        api.POST('/api/v1/incidents/{number}/status-updates', {
          params: { path: { number } },
          body: { message: text, status: updateStatus, public: isPublic },
        }),
      );
      setUpdate('');
    });
  };

  const disabled = busy !== null || merged;

  return (
    <section className="card actions-panel" aria-labelledby="actions-heading">
      <h2 id="actions-heading">Respond</h2>
      {merged && (
        <p className="notice notice-info">
          This incident was merged into #{incident.mergedInto}: act on that one.
        </p>
      )}
      <ErrorNotice error={error} prefix="Could not do that" />
      {done && !error && (
        <p className="notice notice-ok" role="status">
          {done}.
        </p>
      )}

      <div className="action-group">
        <label htmlFor="lifecycle-message">Message (optional)</label>
        <input
          id="lifecycle-message"
          value={message}
          onChange={(e) => setMessage(e.target.value)}
          placeholder="said on the timeline"
        />
        <div className="form-row">
          <button
            type="button"
            className="button-primary"
            disabled={disabled || incident.status !== 'triggered'}
            onClick={() => lifecycle('acknowledge', 'Incident acknowledged')}
          >
            Acknowledge
          </button>
          <button
            type="button"
            disabled={disabled || incident.status === 'resolved'}
            onClick={() => lifecycle('resolve', 'Incident resolved')}
          >
            Resolve
          </button>
          <button
            type="button"
            disabled={disabled || incident.status !== 'resolved'}
            onClick={() => lifecycle('reopen', 'Incident reopened')}
          >
            Reopen
          </button>
        </div>
      </div>

      <form className="action-group" onSubmit={addNote}>
        <label htmlFor="incident-note">Note for responders</label>
        <textarea id="incident-note" value={note} onChange={(e) => setNote(e.target.value)} />
        <div className="form-row">
          <button type="submit" disabled={disabled || note.trim() === ''}>
            Add note
          </button>
        </div>
      </form>

      <form className="action-group" onSubmit={postUpdate}>
        <label htmlFor="status-update">Status update for stakeholders</label>
        <textarea id="status-update" value={update} onChange={(e) => setUpdate(e.target.value)} />
        <div className="form-row">
          <label htmlFor="status-update-status">Stage</label>
          <select
            id="status-update-status"
            value={updateStatus}
            onChange={(e) => setUpdateStatus(e.target.value as UpdateStatus)}
          >
            {UPDATE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
          <label className="checkbox">
            <input type="checkbox" checked={isPublic} onChange={(e) => setPublic(e.target.checked)} />
            Public (on the status page)
          </label>
        </div>
        <div className="form-row">
          <button type="submit" disabled={disabled || update.trim() === ''}>
            Post update
          </button>
        </div>
      </form>

      <FieldsForm
        // Re-created when the fields change on the server, so a save never writes back stale values.
        key={JSON.stringify([incident.severity, incident.priority, incident.assignee, incident.roles])}
        incident={incident}
        disabled={disabled}
        run={run}
        onNothing={() => say('Nothing to change')}
      />
    </section>
  );
}

function FieldsForm({
  incident,
  disabled,
  run,
  onNothing,
}: {
  incident: Shown;
  disabled: boolean;
  run: (label: string, action: () => Promise<unknown>) => Promise<boolean>;
  onNothing: () => void;
}) {
  const number = incident.number;
  const [severity, setSeverity] = useState<Severity>(incident.severity);
  const [priority, setPriority] = useState<Priority | ''>(incident.priority ?? '');
  const [assignee, setAssignee] = useState(incident.assignee ?? '');
  const [commander, setCommander] = useState(incident.roles.commander ?? '');
  const [communications, setCommunications] = useState(incident.roles.communications ?? '');
  const [scribe, setScribe] = useState(incident.roles.scribe ?? '');
  const saveFields = (event: FormEvent) => {
    event.preventDefault();
    const patch: IncidentPatch = {};
    if (severity !== incident.severity) patch.severity = severity;
    if ((priority || null) !== incident.priority) patch.priority = priority || null;
    if ((assignee.trim() || null) !== incident.assignee) patch.assignee = assignee.trim() || null;
    const roles: NonNullable<IncidentPatch['roles']> = {};
    const role = (key: 'commander' | 'communications' | 'scribe', value: string) => {
      if ((value.trim() || undefined) !== incident.roles[key]) roles[key] = value.trim() || null;
    };
    role('commander', commander);
    role('communications', communications);
    role('scribe', scribe);
    if (Object.keys(roles).length > 0) patch.roles = roles;
    if (Object.keys(patch).length === 0) {
      onNothing();
      return;
    }
    void run('Incident updated', () =>
      call(api.PATCH('/api/v1/incidents/{number}', { params: { path: { number } }, body: patch })),
    );
  };

  return (
    <form className="action-group" onSubmit={saveFields}>
      <h3>Fields</h3>
      <div className="form-grid">
        <label>
          Severity
          <select value={severity} onChange={(e) => setSeverity(e.target.value as Severity)}>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Priority
          <select value={priority} onChange={(e) => setPriority(e.target.value as Priority | '')}>
            <option value="">none</option>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <label>
          Assignee
          <input value={assignee} onChange={(e) => setAssignee(e.target.value)} />
        </label>
        <label>
          Commander
          <input value={commander} onChange={(e) => setCommander(e.target.value)} />
        </label>
        <label>
          Communications
          <input value={communications} onChange={(e) => setCommunications(e.target.value)} />
        </label>
        <label>
          Scribe
          <input value={scribe} onChange={(e) => setScribe(e.target.value)} />
        </label>
      </div>
      <div className="form-row">
        <button type="submit" disabled={disabled}>
          Save fields
        </button>
      </div>
    </form>
  );
}
