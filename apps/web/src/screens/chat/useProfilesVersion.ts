import { useCallback, useSyncExternalStore } from 'react';
import { useOttr } from '../../app/ottr.js';

let version = 0;

/** Re-renders the caller when any profile lands in the cache (for names read with profiles.name()). */
export function useProfilesVersion(): number {
  const { profiles } = useOttr();
  const subscribe = useCallback(
    (notify: () => void) =>
      profiles.subscribe(() => {
        version++;
        notify();
      }),
    [profiles],
  );
  return useSyncExternalStore(subscribe, () => version);
}
