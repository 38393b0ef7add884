import { useId, useState, type FormEvent } from 'react';
import { FormError, useAction } from '../../components/Form.js';
import { useOttr } from '../../app/ottr.js';
import { navigate } from '../../app/router.js';
import { Dialog } from '../../components/Dialog.js';
import { toIdentifier } from '../signin/SignIn.js';
import { BAD_IDENTIFIER, lookupErrorText } from './people.js';

/** "New chat": opens (or creates) the direct chat with a phone number or email, then shows it. */
export function NewChatDialog({ onClose }: { onClose: () => void }) {
  const { client } = useOttr();
  const [text, setText] = useState('');
  const { busy, error, setError, run } = useAction();
  const inputId = useId();
  const errorId = useId();

  async function start(e: FormEvent) {
    e.preventDefault();
    const identifier = toIdentifier(text);
    if (!identifier) {
      setError(BAD_IDENTIFIER);
      return;
    }
    await run(
      async () => {
        const item = await client.conversations.openDirect(identifier);
        onClose();
        navigate({ name: 'chat', id: item.conversation.id });
      },
      (err) => lookupErrorText(err, identifier),
    );
  }

  return (
    <Dialog title="New chat" onClose={onClose}>
      <form className="dialog-form" onSubmit={start} noValidate>
        <div className="field">
          <label htmlFor={inputId}>Phone number or email</label>
          <input
            id={inputId}
            className="input"
            value={text}
            inputMode="email"
            autoComplete="off"
            placeholder="+44 7700 900123 or ann@example.com"
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? errorId : undefined}
            onChange={(e) => setText(e.target.value)}
          />
        </div>
        <FormError error={error} id={errorId} />
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Starting…' : 'Start chat'}
        </button>
      </form>
    </Dialog>
  );
}
