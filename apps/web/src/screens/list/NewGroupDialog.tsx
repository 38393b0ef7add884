import { useId, useState, type FormEvent } from 'react';
import { LIMITS, type Profile } from '@ottr/sdk/browser';
import { FormError, useAction } from '../../components/Form.js';
import { useOttr } from '../../app/ottr.js';
import { navigate } from '../../app/router.js';
import { Dialog } from '../../components/Dialog.js';
import { PeoplePicker } from './PeoplePicker.js';

/** "New group": a name, people to add, optionally a channel; creates it and shows it. */
export function NewGroupDialog({ onClose }: { onClose: () => void }) {
  const { client } = useOttr();
  const [title, setTitle] = useState('');
  const [people, setPeople] = useState<Profile[]>([]);
  const [channel, setChannel] = useState(false);
  const { busy, error, setError, run } = useAction();
  const titleId = useId();
  const channelId = useId();

  async function create(e: FormEvent) {
    e.preventDefault();
    const name = title.trim();
    if (!name) {
      setError('Give the group a name.');
      return;
    }
    await run(async () => {
      const options = { title: name, members: people.map((p) => p.id) };
      const item = channel ? await client.conversations.createChannel(options) : await client.conversations.createGroup(options);
      onClose();
      navigate({ name: 'chat', id: item.conversation.id });
    });
  }

  return (
    <Dialog title="New group" onClose={onClose}>
      <form className="dialog-form" onSubmit={create} noValidate>
        <div className="field">
          <label htmlFor={titleId}>Group name</label>
          <input id={titleId} className="input" value={title} maxLength={LIMITS.titleLength} onChange={(e) => setTitle(e.target.value)} autoComplete="off" />
        </div>
        <PeoplePicker people={people} onChange={setPeople} />
        <div className="check-row">
          <input id={channelId} type="checkbox" checked={channel} onChange={(e) => setChannel(e.target.checked)} />
          <label htmlFor={channelId}>
            Channel
            <span className="hint"> — only admins post; anyone with the link can join</span>
          </label>
        </div>
        <FormError error={error} />
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create group'}
        </button>
      </form>
    </Dialog>
  );
}
