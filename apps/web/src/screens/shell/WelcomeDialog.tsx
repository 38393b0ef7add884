import { useState, type FormEvent } from 'react';
import { FormError, useAction } from '../../components/Form.js';
import { useOttr } from '../../app/ottr.js';
import { Dialog } from '../../components/Dialog.js';

/** Asks a new account for the name other people will see. */
export function WelcomeDialog({ onDone }: { onDone: () => void }) {
  const { client } = useOttr();
  const [name, setName] = useState('');
  const { busy, error, setError, run } = useAction();
  async function save(e: FormEvent) {
    e.preventDefault();
    if (!name.trim()) {
      setError('Enter a name.');
      return;
    }
    await run(async () => {
      await client.profile.update({ displayName: name.trim() });
      onDone();
    });
  }
  return (
    <Dialog title="Welcome to ottr" onClose={onDone}>
      <form onSubmit={save} className="dialog-form" noValidate>
        <div className="field">
          <label htmlFor="welcome-name">Your name</label>
          <input id="welcome-name" className="input" value={name} maxLength={64} onChange={(e) => setName(e.target.value)} autoComplete="name" />
          <span className="hint">People you chat with see this name.</span>
        </div>
        <FormError error={error} />
        <button type="submit" className="btn btn-primary" disabled={busy}>
          Save
        </button>
      </form>
    </Dialog>
  );
}
