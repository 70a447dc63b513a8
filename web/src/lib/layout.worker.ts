/// <reference lib="webworker" />
/** Runs the layout off the main thread, so the page stays responsive while 1,000 services are placed. */
import { type LayoutInput, layoutGraph } from './layout';

declare const self: DedicatedWorkerGlobalScope;

self.onmessage = (event: MessageEvent<{ id: number; input: LayoutInput }>) => {
  const { id, input } = event.data;
  try {
    self.postMessage({ id, layout: layoutGraph(input) });
  } catch (error) {
    self.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
};
