/**
 * Lays a graph out in a worker (dagre on 1,000 services takes about a second) and only when
 * `key` changes: a refetch with the same services and edges keeps the layout.
 */
import { useEffect, useRef, useState } from 'react';
import type { Layout, LayoutInput } from '../lib/layout';

export interface LayoutState {
  readonly layout: Layout | null;
  readonly error: string | null;
  /** how long the last layout took, in milliseconds */
  readonly ms: number | null;
}

type Reply = { id: number; layout: Layout } | { id: number; error: string };

let worker: Worker | null = null;
let nextId = 1;

function layoutInWorker(input: LayoutInput): Promise<Layout> {
  if (typeof Worker === 'undefined') return layoutHere(input);
  if (!worker) worker = new Worker(new URL('../lib/layout.worker.ts', import.meta.url), { type: 'module' });
  const w = worker;
  const id = nextId++;
  return new Promise<Layout>((resolve, reject) => {
    const onMessage = (event: MessageEvent<Reply>) => {
      if (event.data.id !== id) return;
      w.removeEventListener('message', onMessage);
      w.removeEventListener('error', onError);
      if ('layout' in event.data) resolve(event.data.layout);
      else reject(new Error(event.data.error));
    };
    const onError = () => {
      w.removeEventListener('message', onMessage);
      w.removeEventListener('error', onError);
      // A worker that cannot start (a strict CSP, an old browser): lay out here instead.
      worker?.terminate();
      worker = null;
      layoutHere(input).then(resolve, reject);
    };
    w.addEventListener('message', onMessage);
    w.addEventListener('error', onError);
    w.postMessage({ id, input });
  });
}

async function layoutHere(input: LayoutInput): Promise<Layout> {
  const { layoutGraph } = await import('../lib/layout');
  return layoutGraph(input);
}

export function useLayout(input: LayoutInput | null, key: string): LayoutState {
  const [state, setState] = useState<LayoutState>({ layout: null, error: null, ms: null });
  const inputRef = useRef(input);
  inputRef.current = input;

  // biome-ignore lint/correctness/useExhaustiveDependencies: the key stands for the input; a new input with the same key is the same graph
  useEffect(() => {
    const current = inputRef.current;
    if (!current) return;
    let cancelled = false;
    const started = performance.now();
    layoutInWorker(current).then(
      (layout) => {
        if (!cancelled) setState({ layout, error: null, ms: performance.now() - started });
      },
      (error: unknown) => {
        if (!cancelled)
          setState((s) => ({ ...s, error: error instanceof Error ? error.message : String(error) }));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [key]);

  return state;
}
