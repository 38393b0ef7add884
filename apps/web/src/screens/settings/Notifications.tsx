import { useEffect, useId, useRef, useState } from 'react';
import { useOttr } from '../../app/ottr.js';
import type { NotificationSettings } from '@ottr/sdk/browser';
import { pushIsOn, pushPermission, turnOffPush, turnOnPush, webPushKey, type PushPermission } from '../../app/push.js';
import { FormError } from '../../components/Form.js';
import { errorText } from '../../components/Toasts.js';
import { DEFAULT_DND, describeDnd, isClockTime } from './dnd.js';

type Privacy = NotificationSettings['privacy'];

const PRIVACY: { value: Privacy; label: string; hint: string }[] = [
  { value: 'full', label: 'Sender and message', hint: 'Who wrote and the start of what they wrote' },
  { value: 'sender', label: 'Sender only', hint: 'Who wrote, not what' },
  { value: 'none', label: 'Nothing', hint: 'Just “New message”: nothing about who or what' },
];

/**
 * Settings → Notifications: this browser's notifications (on/off, or why they cannot be), what a
 * notification shows, mentions in muted groups, do-not-disturb hours. Muting one chat is in its
 * info (ConversationInfo).
 */
export function Notifications() {
  const { client } = useOttr();
  const [settings, setSettings] = useState<NotificationSettings | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const headingId = useId();
  // Saves go one after another, so that the last change is the one the server keeps.
  const queue = useRef<Promise<unknown>>(Promise.resolve());

  useEffect(() => {
    let alive = true;
    client.push.settings().then(
      (s) => alive && setSettings(s),
      (err: unknown) => alive && setLoadError(errorText(err)),
    );
    return () => {
      alive = false;
    };
  }, [client]);

  /** Shows the change at once; the server's answer settles it (a failure puts the old value back). */
  function save(patch: Partial<NotificationSettings>) {
    if (!settings) return;
    const before = settings;
    setSettings({ ...settings, ...patch });
    setError(null);
    queue.current = queue.current.then(() =>
      client.push.updateSettings(patch).then(
        (saved) => setSettings(saved),
        (err: unknown) => {
          setSettings(before);
          setError(errorText(err));
        },
      ),
    );
  }

  return (
    <section className="settings-card" aria-labelledby={headingId}>
      <h3 id={headingId}>Notifications</h3>
      <BrowserNotifications />
      {settings ? (
        <>
          <PrivacyChoice value={settings.privacy} onChange={(privacy) => save({ privacy })} />
          <div className="settings-group">
            <Toggle
              label="Mentions notify me in muted groups"
              hint="A message that mentions you notifies you even in a group you muted"
              checked={settings.mentionsBreakMute}
              onChange={(mentionsBreakMute) => save({ mentionsBreakMute })}
            />
          </div>
          <DoNotDisturb dnd={settings.dnd} onChange={(dnd) => save({ dnd })} />
        </>
      ) : (
        <p className={loadError ? 'error-text' : 'hint'} role="status">
          {loadError ?? 'Loading notification settings…'}
        </p>
      )}
      <FormError error={error} />
    </section>
  );
}

/** This browser: on/off, or why it cannot be turned on. */
function BrowserNotifications() {
  const { client } = useOttr();
  const [permission, setPermission] = useState<PushPermission>(pushPermission);
  const [offered, setOffered] = useState<boolean | null>(null);
  const [on, setOn] = useState<boolean | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const hintId = useId();

  useEffect(() => {
    let alive = true;
    webPushKey(client).then(
      (key) => alive && setOffered(key !== null),
      (err: unknown) => alive && setError(errorText(err)),
    );
    pushIsOn().then(
      (value) => alive && setOn(value),
      () => alive && setOn(false),
    );
    return () => {
      alive = false;
    };
  }, [client]);

  async function toggle(next: boolean) {
    setBusy(true);
    setError(null);
    try {
      if (next) {
        const answer = await turnOnPush(client);
        setPermission(answer);
        setOn(answer === 'granted');
      } else {
        await turnOffPush(client, { remember: true });
        setOn(false);
      }
    } catch (err) {
      setError(errorText(err));
      setOn(await pushIsOn().catch(() => false));
    } finally {
      setBusy(false);
    }
  }

  const hint =
    permission === 'unsupported'
      ? 'This browser can’t show notifications from ottr.'
      : offered === false
        ? 'This server doesn’t send notifications.'
        : permission === 'denied'
          ? 'Blocked for this site. Allow notifications in your browser’s site settings (the icon beside the address), then turn them on here.'
          : on
            ? 'New messages notify you here, also when ottr is closed.'
            : 'Off: this browser doesn’t notify you of new messages.';
  const usable = permission !== 'unsupported' && permission !== 'denied' && offered === true && on !== null;
  return (
    <div className="settings-switch">
      <span className="settings-switch-main">
        <label htmlFor={id}>Notifications in this browser</label>
        <span id={hintId} className="hint">
          {hint}
        </span>
        <FormError error={error} />
      </span>
      <input
        id={id}
        type="checkbox"
        role="switch"
        className="switch"
        aria-describedby={hintId}
        checked={on === true && permission === 'granted'}
        disabled={!usable || busy}
        onChange={(e) => void toggle(e.target.checked)}
      />
    </div>
  );
}

function PrivacyChoice({ value, onChange }: { value: Privacy; onChange: (p: Privacy) => void }) {
  const name = useId();
  return (
    <fieldset className="settings-group">
      <legend>What notifications show</legend>
      {PRIVACY.map((p) => (
        <label key={p.value} className="settings-radio">
          <input type="radio" name={name} value={p.value} checked={value === p.value} onChange={() => onChange(p.value)} />
          <span>
            {p.label}
            <span className="hint settings-radio-hint">{p.hint}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}

function Toggle({ label, hint, checked, onChange }: { label: string; hint: string; checked: boolean; onChange: (v: boolean) => void }) {
  const id = useId();
  const hintId = useId();
  return (
    <div className="settings-switch">
      <span className="settings-switch-main">
        <label htmlFor={id}>{label}</label>
        <span id={hintId} className="hint">
          {hint}
        </span>
      </span>
      <input id={id} type="checkbox" role="switch" className="switch" aria-describedby={hintId} checked={checked} onChange={(e) => onChange(e.target.checked)} />
    </div>
  );
}

/** Do-not-disturb hours: off, or from–to in this browser's time zone. */
function DoNotDisturb({ dnd, onChange }: { dnd: NotificationSettings['dnd']; onChange: (dnd: NotificationSettings['dnd']) => void }) {
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const fromId = useId();
  const toId = useId();
  const [from, setFrom] = useState(dnd?.from ?? DEFAULT_DND.from);
  const [to, setTo] = useState(dnd?.to ?? DEFAULT_DND.to);

  function setTime(which: 'from' | 'to', value: string) {
    if (which === 'from') setFrom(value);
    else setTo(value);
    const next = { from, to, [which]: value };
    if (dnd && isClockTime(next.from) && isClockTime(next.to)) onChange({ from: next.from, to: next.to, timeZone });
  }

  return (
    <div className="settings-group">
      <Toggle
        label="Do not disturb"
        hint={dnd ? describeDnd(dnd, timeZone) : 'Off: notifications at any hour'}
        checked={dnd !== null}
        onChange={(on) => onChange(on ? { from: isClockTime(from) ? from : DEFAULT_DND.from, to: isClockTime(to) ? to : DEFAULT_DND.to, timeZone } : null)}
      />
      {dnd ? (
        <div className="settings-hours">
          <label htmlFor={fromId}>From</label>
          <input id={fromId} type="time" className="input" required value={from} onChange={(e) => setTime('from', e.target.value)} />
          <label htmlFor={toId}>To</label>
          <input id={toId} type="time" className="input" required value={to} onChange={(e) => setTime('to', e.target.value)} />
        </div>
      ) : null}
    </div>
  );
}
