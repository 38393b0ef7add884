import { useCallback, useEffect, useState } from 'react';
import { useOttr } from '../../../app/ottr.js';
import type { MediaId } from './kinds.js';

export type Variant = 'original' | 'thumbnail' | 'poster';

/** A media file's signed URL, and what to do when the element showing it fails. */
export interface MediaUrl {
  /** null while it is being asked for, or when the file has no such variant. */
  url: string | null;
  /** The server gave no URL, or the file failed to load again after a renewal. */
  failed: boolean;
  /** For the element's error event: asks for a fresh URL once, then counts as failed. */
  renew: () => void;
}

/**
 * Signed URLs last about 15 minutes and a chat may stay open longer: an element that fails to
 * load asks for a fresh one, this many times.
 */
const MAX_RENEWALS = 1;

/** The signed URL of `variant` of a media file (`mediaId` null: nothing is asked for). */
export function useMediaUrl(mediaId: MediaId | null, variant: Variant): MediaUrl {
  const { client } = useOttr();
  const key = mediaId ? `${mediaId}/${variant}` : '';
  const [got, setGot] = useState<{ key: string; url: string | null; failed: boolean }>({ key: '', url: null, failed: false });
  const [renewal, setRenewal] = useState({ key: '', n: 0 });
  const renewals = renewal.key === key ? renewal.n : 0;
  useEffect(() => {
    if (!mediaId) return;
    let live = true;
    client.media.url(mediaId, variant).then(
      (url) => live && setGot({ key, url, failed: false }),
      () => live && setGot({ key, url: null, failed: true }),
    );
    return () => {
      live = false;
    };
  }, [client, mediaId, variant, key, renewals]);
  const renew = useCallback(() => {
    if (renewals >= MAX_RENEWALS) setGot({ key, url: null, failed: true });
    else setRenewal({ key, n: renewals + 1 });
  }, [key, renewals]);
  const mine = got.key === key ? got : null;
  return { url: mine?.url ?? null, failed: mine?.failed ?? false, renew };
}
