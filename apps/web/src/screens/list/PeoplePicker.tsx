import { useId, useState } from 'react';
import type { AccountId, Profile } from '@ottr/sdk/browser';
import { useMe, useOttr } from '../../app/ottr.js';
import { Avatar } from '../../components/Avatar.js';
import { Icon } from '../../components/Icon.js';
import { toIdentifier } from '../signin/SignIn.js';
import { BAD_IDENTIFIER, lookupErrorText } from './people.js';

/**
 * "Add people": a phone number or email is looked up (Enter or "Add"), the person's name shown
 * in the list below with a "Remove <name>" button. Duplicates, yourself and `exclude` (people
 * already in the group) are ignored with a word why.
 */
export function PeoplePicker({ people, onChange, exclude = [] }: { people: Profile[]; onChange: (people: Profile[]) => void; exclude?: readonly AccountId[] }) {
  const { client, profiles } = useOttr();
  const me = useMe();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const inputId = useId();
  const noteId = useId();

  async function add() {
    const identifier = toIdentifier(text);
    if (!identifier) {
      setNote(text.trim() ? BAD_IDENTIFIER : null);
      return;
    }
    setBusy(true);
    setNote(null);
    try {
      const profile = await client.profile.find(identifier);
      profiles.put(profile);
      if (profile.id === me) setNote('That’s you — you’re in it already.');
      else if (exclude.includes(profile.id)) setNote(`${profile.displayName || 'They'} ${profile.displayName ? 'is' : 'are'} a member already.`);
      else if (people.some((p) => p.id === profile.id)) setNote(`${profile.displayName || 'That person'} is on the list already.`);
      else onChange([...people, profile]);
      setText('');
    } catch (err) {
      setNote(lookupErrorText(err, identifier));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="field">
      <label htmlFor={inputId}>Add people</label>
      <div className="picker-row">
        <input
          id={inputId}
          className="input"
          value={text}
          placeholder="Phone number or email"
          autoComplete="off"
          aria-describedby={note ? noteId : undefined}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              if (!busy) void add();
            }
          }}
        />
        <button type="button" className="btn" disabled={busy || !text.trim()} onClick={() => void add()}>
          Add
        </button>
      </div>
      {note ? (
        <p id={noteId} className="error-text" role="alert">
          {note}
        </p>
      ) : null}
      {people.length > 0 ? (
        <ul className="picker-list" aria-label="People to add">
          {people.map((p) => {
            const name = p.displayName || 'Someone';
            return (
              <li key={p.id} className="picker-person">
                <Avatar id={p.id} name={name} size="sm" />
                <span className="picker-name">{name}</span>
                <button type="button" className="icon-btn" aria-label={`Remove ${name}`} onClick={() => onChange(people.filter((x) => x.id !== p.id))}>
                  <Icon name="close" />
                </button>
              </li>
            );
          })}
        </ul>
      ) : null}
    </div>
  );
}
