import { useEffect } from 'react';

/** The document title: `<page> · nines`. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · nines` : 'nines';
  }, [title]);
}
