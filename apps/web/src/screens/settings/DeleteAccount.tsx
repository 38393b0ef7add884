import { useId, useState, type FormEvent } from 'react';
import { FormError, useAction } from '../../components/Form.js';
import { useOttr } from '../../app/ottr.js';
import { Dialog } from '../../components/Dialog.js';

/** The word to type before the account goes. */
const CONFIRM = 'DELETE';

/** "Delete account", for good, after typing DELETE (the App returns to sign-in by itself). */
export function DeleteAccount() {
  const { client } = useOttr();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const { busy, error, setError, run } = useAction();
  const inputId = useId();

  async function remove(e: FormEvent) {
    e.preventDefault();
    if (typed.trim() !== CONFIRM) {
      setError(`Type ${CONFIRM} to confirm.`);
      return;
    }
    await run(async () => {
      await client.profile.deleteAccount();
    });
  }

  return (
    <>
      <button type="button" className="btn btn-danger" onClick={() => setOpen(true)}>
        Delete account
      </button>
      {open ? (
        <Dialog
          title="Delete account?"
          onClose={() => {
            setOpen(false);
            setTyped('');
            setError(null);
          }}
        >
          <form className="dialog-form" onSubmit={remove} noValidate>
            <p className="dialog-text">Your account, profile and devices are deleted for good. People you chatted with keep their copies of the chats.</p>
            <div className="field">
              <label htmlFor={inputId}>{`Type ${CONFIRM} to confirm`}</label>
              <input id={inputId} className="input" value={typed} autoComplete="off" onChange={(e) => setTyped(e.target.value)} />
            </div>
            <FormError error={error} />
            <button type="submit" className="btn btn-primary btn-danger-fill" disabled={busy || typed.trim() !== CONFIRM}>
              Delete my account
            </button>
          </form>
        </Dialog>
      ) : null}
    </>
  );
}
