/**
 * Loads data for a page and keeps it while it reloads: a refetch never blanks the page, an error
 * on refetch shows beside the last good data. Changing `key` (the route's parameters) starts
 * afresh.
 *
 * @example const slo = useResource((signal) => call(api.GET('/api/v1/slos/{name}', {…, signal})), name);
 */
import { useCallback, useEffect, useRef, useState } from 'react';

export interface Resource<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  /** a load is under way (the first one, or a refetch) */
  readonly loading: boolean;
  readonly refetch: () => void;
}

interface State<T> {
  readonly key: string;
  readonly data: T | undefined;
  readonly error: unknown;
  readonly loading: boolean;
}

export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, key: string): Resource<T> {
  const loadRef = useRef(load);
  loadRef.current = load;
  const [tick, setTick] = useState(0);
  const [state, setState] = useState<State<T>>({ key, data: undefined, error: undefined, loading: true });

  // biome-ignore lint/correctness/useExhaustiveDependencies: tick is the refetch trigger
  useEffect(() => {
    const controller = new AbortController();
    setState((s) =>
      s.key === key ? { ...s, loading: true } : { key, data: undefined, error: undefined, loading: true },
    );
    loadRef.current(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ key, data, error: undefined, loading: false });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setState((s) => ({ key, data: s.key === key ? s.data : undefined, error, loading: false }));
      },
    );
    return () => controller.abort();
  }, [key, tick]);

  const refetch = useCallback(() => setTick((t) => t + 1), []);
  const current = state.key === key;
  return {
    data: current ? state.data : undefined,
    error: current ? state.error : undefined,
    loading: current ? state.loading : true,
    refetch,
  };
}
