import { useEffect, useRef, useState } from 'react';
import { Icon } from '../../../components/Icon.js';
import { formatDuration } from '@ottr/sdk/browser';
import { infoOf, type MediaContent } from './kinds.js';
import { useRecorder, type Recorder } from './useRecorder.js';
import { useUpload, type Upload } from './useUpload.js';

/** A voice note being recorded or sent. */
export interface VoiceNote {
  recorder: Recorder;
  upload: Upload;
  /** Recording, or uploading what was recorded: the composer shows the recording bar. */
  active: boolean;
  /** Stops recording, uploads the note as `voice` and sends it. */
  send: () => Promise<void>;
  /** Throws the recording (or its upload) away. */
  cancel: () => void;
}

/** Recording and sending voice notes from the composer. */
export function useVoiceNote(onSend: (content: MediaContent) => void): VoiceNote {
  const recorder = useRecorder();
  const upload = useUpload();
  const [sending, setSending] = useState(false);
  const send = async () => {
    setSending(true);
    try {
      const blob = await recorder.stop();
      if (!blob) return;
      const media = await upload.start(blob, { kind: 'voice', name: `voice-${new Date().toISOString().slice(0, 19).replace(/:/g, '-')}.${blob.type.includes('ogg') ? 'ogg' : blob.type.includes('mp4') ? 'm4a' : 'webm'}` });
      if (media) onSend({ kind: 'voice', mediaId: media.id, media: infoOf(media) });
    } finally {
      setSending(false);
    }
  };
  const cancel = () => {
    recorder.cancel();
    upload.cancel();
  };
  return { recorder, upload, active: recorder.phase !== 'idle' || sending, send, cancel };
}

/** Live bars of the recording bar. */
const LIVE_BARS = 48;

/**
 * The composer's recording bar: Cancel recording, the recording dot and time, the live level,
 * Send voice message (focused once recording runs); while the note uploads, its progress.
 * Escape cancels.
 */
export function RecordingBar({ voice }: { voice: VoiceNote }) {
  const { recorder, upload } = voice;
  const sendButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (recorder.phase === 'recording') sendButton.current?.focus();
  }, [recorder.phase]);
  const uploading = upload.progress !== null;
  const padded = [...Array.from({ length: Math.max(0, LIVE_BARS - recorder.levels.length) }, () => 0), ...recorder.levels];
  return (
    <div
      className="composer-row recording-bar"
      onKeyDown={(e) => {
        if (e.key !== 'Escape') return;
        e.stopPropagation();
        voice.cancel();
      }}
    >
      <button type="button" className="icon-btn" aria-label="Cancel recording" onClick={voice.cancel}>
        <Icon name="trash" />
      </button>
      {uploading ? (
        <span className="recording-status" role="status">
          Sending voice message… {Math.round((upload.progress ?? 0) * 100)}%
        </span>
      ) : (
        <>
          <span className="recording-dot" aria-hidden="true" />
          <span className="recording-time" role="timer" aria-label="Recording time">
            {formatDuration(recorder.elapsedMs)}
          </span>
          <span className="recording-levels" aria-hidden="true">
            {padded.map((level, i) => (
              <span key={i} className="audio-bar" style={{ height: `${Math.max(8, Math.round((level / 255) * 100))}%` }} />
            ))}
          </span>
        </>
      )}
      <button ref={sendButton} type="button" className="icon-btn composer-send" aria-label="Send voice message" disabled={recorder.phase !== 'recording'} onClick={() => void voice.send()}>
        <Icon name="send" />
      </button>
    </div>
  );
}
