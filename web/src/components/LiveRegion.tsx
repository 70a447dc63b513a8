import { useEffect, useState } from 'react';
import { onAnnounce } from '../announce';

/** The polite live region that speaks what `announce` says. */
export function LiveRegion() {
  const [message, setMessage] = useState('');
  useEffect(
    () =>
      onAnnounce((text) => {
        // Clear first so the same sentence twice is spoken twice.
        setMessage('');
        setTimeout(() => setMessage(text), 50);
      }),
    [],
  );
  return (
    <div className="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
      {message}
    </div>
  );
}
