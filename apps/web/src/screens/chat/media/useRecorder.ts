import { useCallback, useEffect, useRef, useState } from 'react';
import { levelOf } from './waveform.js';

/** Containers for a voice note, best first; the server takes Ogg/Opus, WebM, MP4 and MPEG. */
const TYPES = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/mp4', 'audio/webm'];
/** How often the live level is sampled (ms). */
const LEVEL_MS = 100;
/** Live levels kept for the recording bar. */
const LEVELS_KEPT = 48;

/** The recorder's state as the composer shows it. */
export interface Recorder {
  /** idle; asking for the microphone; recording. */
  phase: 'idle' | 'starting' | 'recording';
  /** Recorded so far (ms). */
  elapsedMs: number;
  /** The latest levels (0–255), oldest first, for the live waveform. */
  levels: number[];
  /** Why the microphone could not be used, in words. */
  error: string | null;
  start: () => Promise<void>;
  /** Ends the recording and resolves with the audio (null when nothing was recorded). */
  stop: () => Promise<Blob | null>;
  /** Ends the recording and throws it away. */
  cancel: () => void;
}

interface Session {
  stream: MediaStream;
  recorder: MediaRecorder;
  chunks: Blob[];
  audio: AudioContext;
  timer: ReturnType<typeof setInterval>;
  startedAt: number;
}

function micError(err: unknown): string {
  const name = err instanceof DOMException ? err.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'The microphone is blocked. Allow it in the browser to record voice messages.';
  if (name === 'NotFoundError') return 'No microphone was found.';
  return 'The microphone could not be used.';
}

/**
 * Voice-note recording with MediaRecorder (Opus in WebM or Ogg where the browser has it), with
 * the live level from an AnalyserNode for the recording bar. Unmounting ends any recording.
 */
export function useRecorder(): Recorder {
  const [phase, setPhase] = useState<Recorder['phase']>('idle');
  const [elapsedMs, setElapsed] = useState(0);
  const [levels, setLevels] = useState<number[]>([]);
  const [error, setError] = useState<string | null>(null);
  const session = useRef<Session | null>(null);
  /** False once unmounted: a microphone granted after that is released at once. */
  const mounted = useRef(true);

  const end = useCallback((): Session | null => {
    const s = session.current;
    session.current = null;
    if (!s) return null;
    clearInterval(s.timer);
    void s.audio.close().catch(() => undefined);
    s.stream.getTracks().forEach((t) => t.stop());
    setPhase('idle');
    setLevels([]);
    setElapsed(0);
    return s;
  }, []);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      const s = end();
      if (s && s.recorder.state !== 'inactive') s.recorder.stop();
    };
  }, [end]);

  const start = useCallback(async () => {
    if (session.current) return;
    setError(null);
    setPhase('starting');
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (err) {
      setPhase('idle');
      setError(micError(err));
      return;
    }
    if (!mounted.current) {
      stream.getTracks().forEach((t) => t.stop());
      return;
    }
    const mimeType = TYPES.find((t) => MediaRecorder.isTypeSupported(t));
    const recorder = new MediaRecorder(stream, mimeType ? { mimeType } : {});
    const chunks: Blob[] = [];
    recorder.ondataavailable = (e) => {
      if (e.data.size > 0) chunks.push(e.data);
    };
    const audio = new AudioContext();
    const analyser = audio.createAnalyser();
    analyser.fftSize = 1024;
    audio.createMediaStreamSource(stream).connect(analyser);
    const samples = new Uint8Array(analyser.fftSize);
    const startedAt = performance.now();
    const timer = setInterval(() => {
      analyser.getByteTimeDomainData(samples);
      const level = levelOf(samples);
      setLevels((l) => [...l.slice(-(LEVELS_KEPT - 1)), level]);
      setElapsed(performance.now() - startedAt);
    }, LEVEL_MS);
    session.current = { stream, recorder, chunks, audio, timer, startedAt };
    recorder.start();
    setPhase('recording');
  }, []);

  const stop = useCallback(async (): Promise<Blob | null> => {
    const s = session.current;
    if (!s) return null;
    const done = new Promise<void>((resolve) => s.recorder.addEventListener('stop', () => resolve(), { once: true }));
    s.recorder.stop();
    end();
    await done;
    const blob = new Blob(s.chunks, { type: s.recorder.mimeType || 'audio/webm' });
    return blob.size > 0 ? blob : null;
  }, [end]);

  const cancel = useCallback(() => {
    const s = end();
    if (s && s.recorder.state !== 'inactive') s.recorder.stop();
  }, [end]);

  return { phase, elapsedMs, levels, error, start, stop, cancel };
}
