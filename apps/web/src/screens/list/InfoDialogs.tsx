import { useId, useState, type FormEvent } from 'react';
import { LIMITS, type AccountId, type ConversationListItem, type Profile } from '@ottr/sdk/browser';
import { useOttr } from '../../app/ottr.js';
import { navigate } from '../../app/router.js';
import { Dialog } from '../../components/Dialog.js';
import { errorText } from '../../components/Toasts.js';
import { PeoplePicker } from './PeoplePicker.js';

/** "Edit group info": the title and description (admins). */
export function EditGroupDialog({ item, onClose }: { item: ConversationListItem; onClose: () => void }) {
  const { client } = useOttr();
  const c = item.conversation;
  const [title, setTitle] = useState(c.title ?? '');
  const [description, setDescription] = useState(c.description ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const titleId = useId();
  const descriptionId = useId();
  const noun = c.kind === 'channel' ? 'channel' : 'group';

  async function save(e: FormEvent) {
    e.preventDefault();
    const t = title.trim();
    if (!t) {
      setError(`Give the ${noun} a name.`);
      return;
    }
    const patch: { title?: string; description?: string } = {};
    if (t !== (c.title ?? '')) patch.title = t;
    if (description.trim() !== (c.description ?? '')) patch.description = description.trim();
    if (Object.keys(patch).length === 0) return onClose();
    setBusy(true);
    try {
      await client.conversations.update(c.id, patch);
      onClose();
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  }

  return (
    <Dialog title={`Edit ${noun} info`} onClose={onClose}>
      <form className="dialog-form" onSubmit={save} noValidate>
        <div className="field">
          <label htmlFor={titleId}>{c.kind === 'channel' ? 'Channel name' : 'Group name'}</label>
          <input id={titleId} className="input" value={title} maxLength={LIMITS.titleLength} onChange={(e) => setTitle(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={descriptionId}>Description</label>
          <textarea id={descriptionId} className="input" rows={3} value={description} maxLength={LIMITS.descriptionLength} onChange={(e) => setDescription(e.target.value)} />
        </div>
        {error ? (
          <p className="error-text" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="btn btn-primary" disabled={busy}>
          Save
        </button>
      </form>
    </Dialog>
  );
}

/** "Add members": people looked up by phone or email, added in one request (admins). */
export function AddMembersDialog({ item, members, onClose }: { item: ConversationListItem; members: readonly AccountId[]; onClose: () => void }) {
  const { client } = useOttr();
  const [people, setPeople] = useState<Profile[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const noun = item.conversation.kind === 'channel' ? 'channel' : 'group';

  async function add(e: FormEvent) {
    e.preventDefault();
    if (people.length === 0) {
      setError('Add someone first: type a phone number or email and press Enter.');
      return;
    }
    setBusy(true);
    try {
      await client.conversations.addMembers(
        item.conversation.id,
        people.map((p) => p.id),
      );
      onClose();
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  }

  return (
    <Dialog title="Add members" onClose={onClose}>
      <form className="dialog-form" onSubmit={add} noValidate>
        <PeoplePicker people={people} onChange={setPeople} exclude={members} />
        {error ? (
          <p className="error-text" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {`Add to ${noun}`}
        </button>
      </form>
    </Dialog>
  );
}

/** Leaving a group or channel, after a confirmation; then home. */
export function LeaveDialog({ item, title, onClose }: { item: ConversationListItem; title: string; onClose: () => void }) {
  const { client } = useOttr();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const noun = item.conversation.kind === 'channel' ? 'channel' : 'group';
  async function leave() {
    setBusy(true);
    try {
      await client.conversations.leave(item.conversation.id);
      onClose();
      navigate({ name: 'home' });
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  }
  return (
    <Dialog
      title={`Leave ${noun}?`}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary btn-danger-fill" disabled={busy} onClick={() => void leave()}>
            Leave
          </button>
        </>
      }
    >
      <p className="dialog-text">
        {`You will no longer get messages from “${title}”.`}
        {item.membership.role === 'owner' ? ' You own it: ownership passes to another member.' : ''}
      </p>
      {error ? (
        <p className="error-text" role="alert">
          {error}
        </p>
      ) : null}
    </Dialog>
  );
}
