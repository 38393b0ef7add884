import { useEffect, useId, useState } from 'react';
import type { Content } from '@ottr/sdk/browser';
import { ConfirmDialog } from '../../../components/ConfirmDialog.js';
import { coordinatesText } from './format.js';

type Where = { lat: number; lng: number };

function locationError(err: GeolocationPositionError): string {
  return err.code === err.PERMISSION_DENIED ? 'Location is blocked. Allow it in the browser to share where you are.' : 'Your location could not be found.';
}

/** A text field of a share dialog. */
function Field({ label, value, onChange, type = 'text', maxLength }: { label: string; value: string; onChange: (v: string) => void; type?: string; maxLength: number }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} className="input" type={type} value={value} maxLength={maxLength} onChange={(e) => onChange(e.target.value)} />
    </div>
  );
}

/** Send location: asks the browser where you are, shows the coordinates, an optional place name, Send. */
export function ShareLocation({ onSend, onClose }: { onSend: (content: Content) => void; onClose: () => void }) {
  const [where, setWhere] = useState<Where | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [name, setName] = useState('');
  useEffect(() => {
    if (!('geolocation' in navigator)) {
      setProblem('This browser cannot tell where you are.');
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (p) => setWhere({ lat: p.coords.latitude, lng: p.coords.longitude }),
      (err) => setProblem(locationError(err)),
      { timeout: 20_000, maximumAge: 60_000 },
    );
  }, []);
  const send = async () => {
    if (!where) throw new Error(problem ?? 'Your location is not known yet.');
    const place = name.trim();
    onSend({ kind: 'location', lat: where.lat, lng: where.lng, ...(place ? { name: place } : {}) });
    onClose();
  };
  return (
    <ConfirmDialog title="Send location" confirmLabel="Send" onConfirm={send} onClose={onClose}>
      <p className="dialog-text" role="status">
        {where ? coordinatesText(where.lat, where.lng) : (problem ?? 'Finding your location…')}
      </p>
      <Field label="Place name (optional)" value={name} onChange={setName} maxLength={256} />
    </ConfirmDialog>
  );
}

/** Send contact: a name and a phone number or an email address, sent as a contact card. */
export function ShareContact({ onSend, onClose }: { onSend: (content: Content) => void; onClose: () => void }) {
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [email, setEmail] = useState('');
  const send = async () => {
    const n = name.trim();
    const p = phone.trim();
    const e = email.trim();
    if (!n) throw new Error('Give the contact a name.');
    if (!p && !e) throw new Error('Give a phone number or an email address.');
    onSend({ kind: 'contact', name: n, ...(p ? { phones: [p] } : {}), ...(e ? { emails: [e] } : {}) });
    onClose();
  };
  return (
    <ConfirmDialog title="Send contact" confirmLabel="Send" onConfirm={send} onClose={onClose}>
      <Field label="Name" value={name} onChange={setName} maxLength={256} />
      <Field label="Phone" value={phone} onChange={setPhone} type="tel" maxLength={32} />
      <Field label="Email" value={email} onChange={setEmail} type="email" maxLength={254} />
    </ConfirmDialog>
  );
}
