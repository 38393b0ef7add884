import { useCallback, useEffect, useId, useState } from 'react';
import type { Device } from '@ottr/sdk/browser';
import { useOttr } from '../../app/ottr.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { errorText } from '../../components/Toasts.js';
import { dateTime } from '../list/time.js';

/** Your signed-in devices: this one marked, the others each with "Sign out <name>" (after a confirmation). */
export function Devices() {
  const { client } = useOttr();
  const [devices, setDevices] = useState<Device[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<Device | null>(null);
  const headingId = useId();

  const load = useCallback(
    () =>
      client.devices.list().then(
        (list) => {
          setDevices([...list].sort((a, b) => Number(b.current) - Number(a.current) || b.lastActiveAt - a.lastActiveAt));
          setError(null);
        },
        (err: unknown) => setError(errorText(err)),
      ),
    [client],
  );

  useEffect(() => {
    void load();
  }, [load]);

  const now = Date.now();
  return (
    <section className="settings-card" aria-labelledby={headingId}>
      <h3 id={headingId}>Devices</h3>
      {error ? <p className="error-text">{error}</p> : null}
      {devices ? (
        <ul className="device-list" aria-label="Devices">
          {devices.map((d) => (
            <li key={d.id} className="device">
              <span className="device-main">
                <span className="device-name">
                  {d.name}
                  {d.current ? <span className="device-tag">This device</span> : null}
                </span>
                <span className="hint">
                  {[d.platform, d.current ? 'active now' : `last active ${dateTime(d.lastActiveAt, now)}`].filter(Boolean).join(' · ')}
                </span>
              </span>
              {!d.current ? (
                <button type="button" className="btn btn-danger" onClick={() => setRevoking(d)}>
                  <span className="visually-hidden">{`Sign out ${d.name}`}</span>
                  <span aria-hidden="true">Sign out</span>
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : !error ? (
        <p className="hint" role="status">
          Loading devices…
        </p>
      ) : null}
      {revoking ? (
        <ConfirmDialog
          title={`Sign out ${revoking.name}?`}
          confirmLabel="Sign out device"
          onClose={() => setRevoking(null)}
          onConfirm={async () => {
            await client.devices.revoke(revoking.id);
            setRevoking(null);
            void load();
          }}
        >
          <p className="dialog-text">That device loses access at once and has to sign in again.</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
