import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { Icon } from '../../../components/Icon.js';
import { formatDuration } from '@ottr/sdk/browser';
import type { MediaId } from './kinds.js';
import { useMediaUrl } from './useMediaUrl.js';
import { bars } from './waveform.js';

/** Bars of a voice note's waveform in a bubble. */
const BARS = 40;
/** Left/Right move this far (s). */
const STEP_S = 5;

/**
 * A player for a voice note or an audio file: Play/Pause, a position slider (a voice note's
 * waveform, filled as it plays; a plain track for audio), the time. The duration comes from the
 * server (`durationMs`): a recorded WebM does not say its own, so the element's is not trusted.
 */
export function AudioPlayer({ mediaId, durationMs, waveform, label }: { mediaId: MediaId; durationMs: number | undefined; waveform?: readonly number[]; label: string }) {
  const { url, failed, renew } = useMediaUrl(mediaId, 'original');
  const audio = useRef<HTMLAudioElement>(null);
  const [playing, setPlaying] = useState(false);
  const [position, setPosition] = useState(0);
  const [elementDuration, setElementDuration] = useState(0);
  const duration = durationMs ? durationMs / 1000 : elementDuration;

  useEffect(() => {
    const el = audio.current;
    if (!el) return;
    // Only one player plays at a time: another one starting pauses this one.
    const onOtherPlay = (e: Event) => {
      if (e.target !== el) el.pause();
    };
    document.addEventListener('play', onOtherPlay, true);
    return () => document.removeEventListener('play', onOtherPlay, true);
  }, [url]);

  const seek = (seconds: number) => {
    const el = audio.current;
    if (!el || !duration) return;
    const to = Math.min(duration, Math.max(0, seconds));
    el.currentTime = to;
    setPosition(to);
  };

  const toggle = () => {
    const el = audio.current;
    if (!el) return;
    if (el.paused) void el.play().catch(() => setPlaying(false));
    else el.pause();
  };

  const onSliderKey = (e: KeyboardEvent) => {
    const to = { ArrowLeft: position - STEP_S, ArrowDown: position - STEP_S, ArrowRight: position + STEP_S, ArrowUp: position + STEP_S, Home: 0, End: duration }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    seek(to);
  };
  const onSliderPointer = (e: PointerEvent<HTMLDivElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    if (rect.width > 0) seek(((e.clientX - rect.left) / rect.width) * duration);
  };

  const progress = duration ? Math.min(1, position / duration) : 0;
  const shown = playing || position > 0 ? position : duration;
  return (
    <div className={`audio-player${waveform ? ' audio-voice' : ''}`}>
      <button type="button" className="icon-btn audio-toggle" aria-label={playing ? `Pause ${label}` : `Play ${label}`} disabled={!url} onClick={toggle}>
        <Icon name={playing ? 'pause' : 'play'} />
      </button>
      <div
        className="audio-track"
        role="slider"
        tabIndex={0}
        aria-label="Position"
        aria-valuemin={0}
        aria-valuemax={Math.round(duration)}
        aria-valuenow={Math.round(position)}
        aria-valuetext={`${formatDuration(position * 1000)} of ${formatDuration(duration * 1000)}`}
        onKeyDown={onSliderKey}
        onPointerDown={onSliderPointer}
      >
        {waveform ? (
          bars(waveform, BARS).map((h, i) => <span key={i} className={`audio-bar${(i + 0.5) / BARS <= progress ? ' audio-bar-played' : ''}`} style={{ height: `${Math.max(8, Math.round(h * 100))}%` }} />)
        ) : (
          <span className="audio-line">
            <span className="audio-line-played" style={{ width: `${progress * 100}%` }} />
          </span>
        )}
      </div>
      <span className="audio-time">{failed ? 'Not available' : formatDuration(shown * 1000)}</span>
      {url ? (
        <audio
          ref={audio}
          src={url}
          preload="metadata"
          onPlay={() => setPlaying(true)}
          onPause={() => setPlaying(false)}
          onEnded={() => {
            setPlaying(false);
            setPosition(0);
          }}
          onTimeUpdate={(e) => setPosition(e.currentTarget.currentTime)}
          onDurationChange={(e) => Number.isFinite(e.currentTarget.duration) && setElementDuration(e.currentTarget.duration)}
          onError={renew}
        />
      ) : null}
    </div>
  );
}
