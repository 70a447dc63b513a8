import { useEffect } from 'react';

/**
 * Marks the page as rendered with its data (`<body data-ready="overview">`), for tests and the
 * benchmark to wait on. Set after the commit that first shows data; cleared when the page goes.
 */
export function useReady(page: string, ready: boolean): void {
  useEffect(() => {
    if (ready) document.body.dataset.ready = page;
  }, [page, ready]);
  useEffect(
    () => () => {
      if (document.body.dataset.ready === page) delete document.body.dataset.ready;
    },
    [page],
  );
}
