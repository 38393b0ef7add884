import { useId, useRef, useState, type FormEvent } from 'react';
import type { CodeSent, Identifier } from '@ottr/sdk/browser';
import { useOttr } from '../../app/ottr.js';
import { FormError, useAction } from '../../components/Form.js';
import { deviceName } from './device-name.js';
import './signin.css';

/** What the person typed: an email when it has an @, a phone number otherwise. */
export function toIdentifier(text: string): Identifier | null {
  const t = text.trim();
  if (!t) return null;
  if (t.includes('@')) return { email: t };
  const phone = t.replace(/[\s().-]/g, '');
  return /^\+?\d{4,17}$/.test(phone) ? { phone: phone.startsWith('+') ? phone : `+${phone}` } : null;
}

/**
 * Sign-in (and sign-up: the same two steps): phone number or email, then the one-time code the
 * server sent there.
 */
export function SignIn({ notice, onNewAccount }: { notice?: string; onNewAccount: () => void }) {
  const { client } = useOttr();
  const [step, setStep] = useState<'identifier' | 'code'>('identifier');
  const [text, setText] = useState('');
  const [code, setCode] = useState('');
  const [sent, setSent] = useState<CodeSent | null>(null);
  const { busy, error, setError, run } = useAction();
  const identifier = useRef<Identifier | null>(null);
  const errorId = useId();

  async function requestCode(e: FormEvent) {
    e.preventDefault();
    const id = toIdentifier(text);
    if (!id) {
      setError('Enter a phone number with its country code (like +44 7700 900123) or an email address.');
      return;
    }
    await run(async () => {
      const answer = await client.auth.requestCode(id);
      identifier.current = id;
      setSent(answer);
      setCode('');
      setStep('code');
    });
  }

  async function verify(e: FormEvent) {
    e.preventDefault();
    if (!identifier.current) return;
    const digits = code.replace(/\D/g, '');
    if (digits.length !== 6) {
      setError('The code has 6 digits.');
      return;
    }
    const id = identifier.current;
    await run(async () => {
      // On success the app switches to the chats (the SDK announces the new session).
      const session = await client.auth.verify({ ...id, code: digits, deviceName: deviceName(navigator.userAgent), platform: 'web' });
      if (session.newAccount) onNewAccount();
    });
  }

  return (
    <main className="signin">
      <div className="signin-card">
        <div className="signin-brand" aria-hidden="true">
          <img src="/icon.svg" alt="" width="56" height="56" />
        </div>
        <h1>ottr</h1>
        {notice && step === 'identifier' ? (
          <p className="banner" role="status">
            {notice}
          </p>
        ) : null}
        {step === 'identifier' ? (
          <form onSubmit={requestCode} noValidate>
            <p className="signin-lead">Sign in or create an account with your phone number or email.</p>
            <div className="field">
              <label htmlFor="signin-identifier">Phone number or email</label>
              <input
                id="signin-identifier"
                className="input"
                type="text"
                inputMode="email"
                autoComplete="username"
                autoFocus
                value={text}
                onChange={(e) => setText(e.target.value)}
                placeholder="+44 7700 900123 or you@example.com"
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? errorId : undefined}
              />
            </div>
            <FormError error={error} id={errorId} />
            <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
              {busy ? 'Sending code…' : 'Continue'}
            </button>
          </form>
        ) : (
          <form onSubmit={verify} noValidate>
            <p className="signin-lead">
              We sent a 6-digit code {sent?.channel === 'sms' ? 'by SMS' : 'by email'} to <strong>{sent?.identifier}</strong>.
            </p>
            {sent?.devOutbox ? (
              <p className="hint signin-dev" role="note">
                This server has no {sent.channel === 'sms' ? 'SMS' : 'email'} provider set up: the code is in the server's log and in its data/dev-outbox.log file.
              </p>
            ) : null}
            <div className="field">
              <label htmlFor="signin-code">Code</label>
              <input
                id="signin-code"
                className="input signin-code"
                type="text"
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={7}
                autoFocus
                value={code}
                onChange={(e) => setCode(e.target.value)}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? errorId : undefined}
              />
            </div>
            <FormError error={error} id={errorId} />
            <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
              {busy ? 'Checking…' : 'Sign in'}
            </button>
            <button
              type="button"
              className="btn btn-block"
              onClick={() => {
                setStep('identifier');
                setError(null);
              }}
            >
              Use another number or email
            </button>
          </form>
        )}
      </div>
    </main>
  );
}
