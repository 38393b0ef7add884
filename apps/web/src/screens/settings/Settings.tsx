import { useEffect, useId, useState, type FormEvent } from 'react';
import { LIMITS, type Account, type PresencePrivacy } from '@ottr/sdk/browser';
import { FormError } from '../../components/Form.js';
import { useOttr } from '../../app/ottr.js';
import { turnOffPush } from '../../app/push.js';
import { navigate } from '../../app/router.js';
import { setThemeChoice, themeChoice, type ThemeChoice } from '../../app/theme.js';
import { Icon } from '../../components/Icon.js';
import { errorText, useToast } from '../../components/Toasts.js';
import { DeleteAccount } from './DeleteAccount.js';
import { Devices } from './Devices.js';
import { Notifications } from './Notifications.js';
import './settings.css';

/** Settings (/settings): profile, online privacy, theme, devices, notifications, sign out, delete account. */
export function Settings() {
  const { client } = useOttr();
  const toast = useToast();
  const [account, setAccount] = useState<Account | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    let alive = true;
    client.profile.me().then(
      (me) => alive && setAccount(me),
      (err: unknown) => alive && setLoadError(errorText(err)),
    );
    return () => {
      alive = false;
    };
  }, [client]);

  async function signOut() {
    try {
      // While the session lasts: this device's push subscription goes with it (best effort).
      await turnOffPush(client, { remember: false }).catch(() => undefined);
      await client.auth.signOut();
    } catch (err) {
      toast(errorText(err));
    }
  }

  return (
    <section className="settings" aria-labelledby="settings-title">
      <div className="pane-header">
        <button type="button" className="icon-btn back-btn" aria-label="Back" onClick={() => navigate({ name: 'home' })}>
          <Icon name="back" />
        </button>
        <h2 id="settings-title">Settings</h2>
      </div>
      <div className="pane-body settings-body">
        {account ? (
          <ProfileForm account={account} onSaved={setAccount} />
        ) : (
          <p className={loadError ? 'error-text settings-pad' : 'hint settings-pad'} role="status">
            {loadError ?? 'Loading your profile…'}
          </p>
        )}
        {account ? <PrivacyChoice account={account} onSaved={setAccount} /> : null}
        <ThemeSetting />
        <Devices />
        <Notifications />
        <section className="settings-card settings-actions" aria-label="Account">
          <button type="button" className="btn" onClick={() => void signOut()}>
            <Icon name="logout" />
            Sign out
          </button>
          <DeleteAccount />
        </section>
      </div>
    </section>
  );
}

function ProfileForm({ account, onSaved }: { account: Account; onSaved: (a: Account) => void }) {
  const { client, profiles } = useOttr();
  const [name, setName] = useState(account.displayName);
  const [about, setAbout] = useState(account.about);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<{ error: boolean; text: string } | null>(null);
  const nameId = useId();
  const aboutId = useId();
  const headingId = useId();

  async function save(e: FormEvent) {
    e.preventDefault();
    if (!name.trim()) {
      setStatus({ error: true, text: 'Your name can’t be empty.' });
      return;
    }
    setBusy(true);
    setStatus(null);
    try {
      const saved = await client.profile.update({ displayName: name.trim(), about: about.trim() });
      profiles.put({ id: saved.id, displayName: saved.displayName, about: saved.about, avatar: saved.avatar, deleted: false });
      onSaved(saved);
      setStatus({ error: false, text: 'Saved' });
    } catch (err) {
      setStatus({ error: true, text: errorText(err) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="settings-card" aria-labelledby={headingId}>
      <h3 id={headingId}>Profile</h3>
      <form className="settings-form" onSubmit={save} noValidate>
        <div className="field">
          <label htmlFor={nameId}>Display name</label>
          <input id={nameId} className="input" value={name} maxLength={LIMITS.displayNameLength} autoComplete="name" onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={aboutId}>About</label>
          <textarea id={aboutId} className="input" rows={2} value={about} maxLength={LIMITS.aboutLength} onChange={(e) => setAbout(e.target.value)} />
        </div>
        <dl className="settings-ids">
          {account.phone ? (
            <div>
              <dt>Phone</dt>
              <dd>{account.phone}</dd>
            </div>
          ) : null}
          {account.email ? (
            <div>
              <dt>Email</dt>
              <dd>{account.email}</dd>
            </div>
          ) : null}
        </dl>
        <div className="settings-save">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            Save profile
          </button>
          <span className={status?.error ? 'error-text' : 'hint'} role="status">
            {status?.text ?? ''}
          </span>
        </div>
      </form>
    </section>
  );
}

const PRIVACY: { value: PresencePrivacy; label: string; hint: string }[] = [
  { value: 'everyone', label: 'Everyone', hint: 'Anyone you share a chat with' },
  { value: 'contacts', label: 'My contacts', hint: 'People you have a direct chat with' },
  { value: 'nobody', label: 'Nobody', hint: 'No one sees when you’re online or when you were last seen' },
];

function PrivacyChoice({ account, onSaved }: { account: Account; onSaved: (a: Account) => void }) {
  const { client } = useOttr();
  const [value, setValue] = useState(account.presencePrivacy);
  const [error, setError] = useState<string | null>(null);
  const name = useId();
  async function choose(next: PresencePrivacy) {
    const before = value;
    setValue(next);
    setError(null);
    try {
      onSaved(await client.profile.update({ presencePrivacy: next }));
    } catch (err) {
      setValue(before);
      setError(errorText(err));
    }
  }
  return (
    <fieldset className="settings-card">
      <legend>Who sees when I’m online</legend>
      {PRIVACY.map((p) => (
        <label key={p.value} className="settings-radio">
          <input type="radio" name={name} value={p.value} checked={value === p.value} onChange={() => void choose(p.value)} />
          <span>
            {p.label}
            <span className="hint settings-radio-hint">{p.hint}</span>
          </span>
        </label>
      ))}
      <FormError error={error} />
    </fieldset>
  );
}

const THEMES: { value: ThemeChoice; label: string }[] = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

function ThemeSetting() {
  const [value, setValue] = useState(themeChoice);
  const name = useId();
  return (
    <fieldset className="settings-card">
      <legend>Theme</legend>
      <div className="settings-theme">
        {THEMES.map((t) => (
          <label key={t.value} className="settings-radio">
            <input
              type="radio"
              name={name}
              value={t.value}
              checked={value === t.value}
              onChange={() => {
                setThemeChoice(t.value);
                setValue(t.value);
              }}
            />
            <span>{t.label}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
