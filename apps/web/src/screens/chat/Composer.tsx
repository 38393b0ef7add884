import { useEffect, useLayoutEffect, useRef, useState, type ClipboardEvent, type KeyboardEvent } from 'react';
import { LIMITS, type AccountId, type Content, type ConversationId, type LocalMessage } from '@ottr/sdk/browser';
import { useOttr } from '../../app/ottr.js';
import { Icon } from '../../components/Icon.js';
import { errorText, useToast } from '../../components/Toasts.js';
import { EmojiPicker } from './EmojiPicker.js';
import { excerpt } from './MessageContent.js';
import { draftKey, loadDraft, saveDraft, sendProblem } from './drafts.js';
import { infoOf } from './media/kinds.js';
import { AttachButton } from './media/AttachButton.js';
import { StickerPicker } from './media/StickerPicker.js';
import { RecordingBar, useVoiceNote } from './media/VoiceRecorder.js';

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

/**
 * The composer: a textarea that grows to about six lines (Enter sends, Shift+Enter breaks the
 * line, IME composition respected), Send, a picker with emoji (inserted at the caret) and
 * stickers (sent at once), Attach (a file, for the send sheet; pasted images too), and, while the
 * text is empty, Record voice message; and the reply/edit bar. What is typed is kept as a draft
 * per chat until it is sent.
 */
export function Composer({
  id,
  me,
  replying,
  editing,
  replyName,
  onCancelReply,
  onCancelEdit,
  onSent,
  onEditLast,
  onAttach,
  onSendContent,
}: {
  id: ConversationId;
  me: AccountId;
  replying: LocalMessage | null;
  editing: LocalMessage | null;
  replyName: string;
  onCancelReply: () => void;
  onCancelEdit: () => void;
  onSent: () => void;
  onEditLast: () => void;
  /** A file was picked or pasted: the chat opens the send sheet. */
  onAttach: (file: File) => void;
  /** Sends a voice note, a sticker, a location or a contact (as a reply when replying). */
  onSendContent: (content: Content) => void;
}) {
  const { client } = useOttr();
  const toast = useToast();
  const key = draftKey(me, id);
  const [text, setText] = useState(() => loadDraft(storage(), key));
  const [error, setError] = useState<string | null>(null);
  const [picker, setPicker] = useState<'emoji' | 'stickers' | null>(null);
  const voice = useVoiceNote(onSendContent);
  const field = useRef<HTMLTextAreaElement>(null);
  const caret = useRef<{ start: number; end: number } | null>(null);
  const draftBeforeEdit = useRef<string | null>(null);

  // Focus when the chat opens, and when a reply or an edit starts.
  useEffect(() => {
    field.current?.focus();
  }, [replying, editing]);

  // Back to the text when a voice note is sent or thrown away (the recording bar had the focus).
  const recording = voice.active;
  const wasRecording = useRef(false);
  useEffect(() => {
    if (wasRecording.current && !recording) field.current?.focus();
    wasRecording.current = recording;
  }, [recording]);

  // Editing puts the message's text in the field; the draft comes back afterwards.
  useEffect(() => {
    if (editing) {
      if (draftBeforeEdit.current === null) draftBeforeEdit.current = field.current?.value ?? '';
      setText(editing.content?.kind === 'text' ? editing.content.text : '');
    } else if (draftBeforeEdit.current !== null) {
      setText(draftBeforeEdit.current);
      draftBeforeEdit.current = null;
    }
  }, [editing]);

  // A click outside the emoji picker (and its button) closes it.
  const pickerBox = useRef<HTMLDivElement>(null);
  const emojiButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!picker) return;
    const onDown = (e: MouseEvent) => {
      const t = e.target as Node;
      if (!pickerBox.current?.contains(t) && !emojiButton.current?.contains(t)) setPicker(null);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [picker]);

  // Grow with the text up to the CSS max-height (about six lines).
  useLayoutEffect(() => {
    const el = field.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${el.scrollHeight}px`;
  }, [text]);

  const change = (value: string) => {
    setText(value);
    setError(null);
    if (!editing) {
      saveDraft(storage(), key, value);
      if (value.trim() === '') client.typing.stop(id);
      else client.typing.start(id);
    }
  };

  const submit = () => {
    const problem = sendProblem(text, LIMITS.textBytes);
    if (problem === 'empty') return;
    if (problem) {
      setError(problem);
      return;
    }
    const body = text.trim();
    if (editing) {
      const target = editing;
      onCancelEdit();
      if (target.id && (target.content?.kind !== 'text' || target.content.text !== body)) {
        client.messages.edit(target.id, body).catch((err: unknown) => toast(`Could not edit: ${errorText(err)}`));
      }
      return;
    }
    try {
      if (replying?.id) client.messages.reply({ conversationId: id, id: replying.id }, body);
      else client.messages.send(id, body);
    } catch (err) {
      setError(errorText(err));
      return;
    }
    setText('');
    saveDraft(storage(), key, '');
    client.typing.stop(id);
    if (replying) onCancelReply();
    onSent();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      submit();
    } else if (e.key === 'Escape' && (editing || replying)) {
      e.preventDefault();
      e.stopPropagation();
      if (editing) onCancelEdit();
      else onCancelReply();
    } else if (e.key === 'ArrowUp' && text === '' && !editing) {
      e.preventDefault();
      onEditLast();
    }
  };

  const insert = (emoji: string) => {
    const el = field.current;
    const at = caret.current ?? { start: text.length, end: text.length };
    const next = text.slice(0, at.start) + emoji + text.slice(at.end);
    change(next);
    const pos = at.start + emoji.length;
    caret.current = { start: pos, end: pos };
    setPicker(null);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(pos, pos);
    });
  };

  // A pasted image (a screenshot, a copied picture) goes to the send sheet instead of the text.
  const onPaste = (e: ClipboardEvent<HTMLTextAreaElement>) => {
    const file = [...e.clipboardData.files].find((f) => f.type.startsWith('image/'));
    if (!file || editing) return;
    e.preventDefault();
    onAttach(file);
  };

  const closePicker = () => {
    setPicker(null);
    field.current?.focus();
  };

  const rememberCaret = () => {
    const el = field.current;
    if (el) caret.current = { start: el.selectionStart, end: el.selectionEnd };
  };

  return (
    <div className="composer">
      {replying || editing ? (
        <div className="composer-bar">
          <Icon name={editing ? 'edit' : 'reply'} />
          <div className="composer-bar-text">
            <span className="composer-bar-title">{editing ? 'Edit message' : `Reply to ${replyName}`}</span>
            <span className="composer-bar-excerpt">{excerpt((editing ?? replying)!)}</span>
          </div>
          <button type="button" className="icon-btn" aria-label={editing ? 'Cancel edit' : 'Cancel reply'} onClick={editing ? onCancelEdit : onCancelReply}>
            <Icon name="close" />
          </button>
        </div>
      ) : null}
      {error || voice.recorder.error || voice.upload.error ? (
        <p className="error-text composer-error" role="alert">
          {error ?? voice.recorder.error ?? `Voice message not sent: ${voice.upload.error}`}
        </p>
      ) : null}
      {picker ? (
        <div className="popover composer-picker" ref={pickerBox}>
          <div className="picker-tabs" role="tablist" aria-label="Picker">
            {(['emoji', 'stickers'] as const).map((tab) => (
              <button key={tab} type="button" role="tab" className="picker-tab" aria-selected={picker === tab} onClick={() => setPicker(tab)}>
                {tab === 'emoji' ? 'Emoji' : 'Stickers'}
              </button>
            ))}
          </div>
          <div role="tabpanel" aria-label={picker === 'emoji' ? 'Emoji' : 'Stickers'}>
            {picker === 'emoji' ? (
              <EmojiPicker onPick={insert} onClose={closePicker} />
            ) : (
              <StickerPicker
                onPick={(sticker) => {
                  onSendContent({ kind: 'sticker', mediaId: sticker.id, media: infoOf(sticker) });
                  closePicker();
                }}
              />
            )}
          </div>
        </div>
      ) : null}
      {voice.active ? (
        <RecordingBar voice={voice} />
      ) : (
        <div className="composer-row">
          <button
            type="button"
            className="icon-btn"
            aria-label="Emoji"
            aria-expanded={picker !== null}
            ref={emojiButton}
            onMouseDown={rememberCaret}
            onClick={() => {
              rememberCaret();
              setPicker((p) => (p ? null : 'emoji'));
            }}
          >
            <Icon name="emoji" />
          </button>
          <AttachButton disabled={editing !== null} onFile={onAttach} onSend={onSendContent} />
          <textarea
            ref={field}
            className="composer-input"
            aria-label="Message"
            placeholder="Message"
            rows={1}
            value={text}
            onChange={(e) => change(e.target.value)}
            onKeyDown={onKeyDown}
            onSelect={rememberCaret}
            onBlur={rememberCaret}
            onPaste={onPaste}
          />
          {text.trim() === '' && !editing ? (
            <button type="button" className="icon-btn" aria-label="Record voice message" disabled={voice.recorder.phase !== 'idle'} onClick={() => void voice.recorder.start()}>
              <Icon name="mic" />
            </button>
          ) : (
            <button type="button" className="icon-btn composer-send" aria-label="Send" onClick={submit}>
              <Icon name={editing ? 'check' : 'send'} />
            </button>
          )}
        </div>
      )}
    </div>
  );
}
