import { useId, useState, type FormEvent } from 'react';
import { LIMITS, type AccountId, type ConversationListItem, type Profile } from '@ottr/sdk/browser';
import { FormError, useAction } from '../../components/Form.js';
import { useOttr } from '../../app/ottr.js';
import { navigate } from '../../app/router.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { Dialog } from '../../components/Dialog.js';
import { PeoplePicker } from './PeoplePicker.js';

/** "Edit group info": the title and description (admins). */
export function EditGroupDialog({ item, onClose }: { item: ConversationListItem; onClose: () => void }) {
  const { client } = useOttr();
  const c = item.conversation;
  const [title, setTitle] = useState(c.title ?? '');
  const [description, setDescription] = useState(c.description ?? '');
  const { busy, error, setError, run } = useAction();
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
    await run(async () => {
      await client.conversations.update(c.id, patch);
      onClose();
    });
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
        <FormError error={error} />
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
  const { busy, error, setError, run } = useAction();
  const noun = item.conversation.kind === 'channel' ? 'channel' : 'group';

  async function add(e: FormEvent) {
    e.preventDefault();
    if (people.length === 0) {
      setError('Add someone first: type a phone number or email and press Enter.');
      return;
    }
    await run(async () => {
      await client.conversations.addMembers(
        item.conversation.id,
        people.map((p) => p.id),
      );
      onClose();
    });
  }

  return (
    <Dialog title="Add members" onClose={onClose}>
      <form className="dialog-form" onSubmit={add} noValidate>
        <PeoplePicker people={people} onChange={setPeople} exclude={members} />
        <FormError error={error} />
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
  const noun = item.conversation.kind === 'channel' ? 'channel' : 'group';
  return (
    <ConfirmDialog
      title={`Leave ${noun}?`}
      confirmLabel="Leave"
      danger
      onClose={onClose}
      onConfirm={async () => {
        await client.conversations.leave(item.conversation.id);
        onClose();
        navigate({ name: 'home' });
      }}
    >
      <p className="dialog-text">
        {`You will no longer get messages from “${title}”.`}
        {item.membership.role === 'owner' ? ' You own it: ownership passes to another member.' : ''}
      </p>
    </ConfirmDialog>
  );
}
