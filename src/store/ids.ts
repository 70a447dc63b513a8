import { randomBytes } from 'node:crypto';

/** Tells this process's ids from those of another (a replica, a CLI command) made in the same millisecond. */
const PROCESS_TAG = randomBytes(4).toString('hex');

let sequence = 0;
let lastMs = Number.NaN;
let timePart = '';

/**
 * An id that sorts by time, then by order within one process:
 * `001795348800000-000042-9f3a61c2` (epoch ms, a sequence, this process's
 * random tag). Unique as long as one process makes fewer than a million ids in
 * a millisecond; no randomness is drawn per id.
 */
export function sortableId(atMs: number): string {
  sequence = (sequence + 1) % 1_000_000;
  if (atMs !== lastMs) {
    lastMs = atMs;
    timePart = String(atMs).padStart(15, '0');
  }
  return `${timePart}-${String(sequence).padStart(6, '0')}-${PROCESS_TAG}`;
}
