import { useCallback, useRef } from 'react';

/**
 * An Idempotency-Key per distinct request body: retrying the same body (after a timeout, a double
 * click) reuses the key so money moves once; a changed body gets a new key. `done()` forgets it.
 */
export function useIdempotencyKey(): { keyFor: (body: unknown) => string; done: () => void } {
  const current = useRef<{ fingerprint: string; key: string } | null>(null);
  const keyFor = useCallback((body: unknown) => {
    const fingerprint = JSON.stringify(body);
    if (current.current?.fingerprint !== fingerprint)
      current.current = { fingerprint, key: crypto.randomUUID() };
    return current.current.key;
  }, []);
  const done = useCallback(() => {
    current.current = null;
  }, []);
  return { keyFor, done };
}
