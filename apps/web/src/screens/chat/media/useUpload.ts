import { useCallback, useEffect, useRef, useState } from 'react';
import { useOttr } from '../../../app/ottr.js';
import { errorText } from '../../../components/Toasts.js';
import type { Media, MediaKind } from './kinds.js';

/** An upload as a component shows it: its progress (0–1, null when none runs) and its error in words. */
export interface Upload {
  progress: number | null;
  error: string | null;
  /**
   * Uploads `blob` as `kind`; resolves with the media object once the server has processed it,
   * or null when it failed (see `error`) or was cancelled.
   */
  start: (blob: Blob, opts: { kind: MediaKind; name?: string }) => Promise<Media | null>;
  /** Stops the upload that runs (the server drops what it received). */
  cancel: () => void;
}

/** One upload at a time, cancelled when the component goes away. */
export function useUpload(): Upload {
  const { client } = useOttr();
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const running = useRef<AbortController | null>(null);
  useEffect(() => () => running.current?.abort(), []);

  const start = useCallback(
    async (blob: Blob, opts: { kind: MediaKind; name?: string }) => {
      running.current?.abort();
      const controller = new AbortController();
      running.current = controller;
      setError(null);
      setProgress(0);
      try {
        const media = await client.media.upload(blob, {
          ...opts,
          signal: controller.signal,
          onProgress: (sent: number, total: number) => setProgress(total > 0 ? sent / total : 0),
        });
        return media;
      } catch (err) {
        if (!controller.signal.aborted) setError(errorText(err));
        return null;
      } finally {
        if (running.current === controller) {
          running.current = null;
          setProgress(null);
        }
      }
    },
    [client],
  );
  const cancel = useCallback(() => {
    running.current?.abort();
    running.current = null;
    setProgress(null);
  }, []);
  return { progress, error, start, cancel };
}
