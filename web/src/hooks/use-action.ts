import { useState } from 'react';
import { announce } from '../announce';

/**
 * Runs a user's action (a POST, PATCH or DELETE): which one is under way, its
 * error, and its success said on the page and to screen readers; `onDone`
 * refetches what it changed.
 */
export function useAction(onDone: () => void) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [done, setDone] = useState<string | null>(null);
  async function run(label: string, action: () => Promise<unknown>): Promise<boolean> {
    setBusy(label);
    setError(undefined);
    setDone(null);
    try {
      await action();
      setDone(label);
      announce(label);
      onDone();
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(null);
    }
  }
  /** Says something on the page without running an action ("Nothing to change"). */
  const say = (text: string) => setDone(text);
  return { busy, error, done, run, say };
}
