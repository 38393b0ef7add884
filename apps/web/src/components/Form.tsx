import { useCallback, useState } from 'react';
import { errorText } from './Toasts.js';

/** The error line under a form or in a dialog (announced when it appears); nothing without an error. */
export function FormError({ error, id }: { error: string | null; id?: string }) {
  if (!error) return null;
  return (
    <p id={id} className="error-text" role="alert">
      {error}
    </p>
  );
}

/** What useAction gives a form: whether its action runs, its error, and how to run it. */
export interface Action {
  busy: boolean;
  error: string | null;
  /** Shows an error of the form's own (bad input), without running anything. */
  setError: (error: string | null) => void;
  /**
   * Runs `fn`: busy while it runs; its failure becomes the error, in words for people
   * (`describe`, default errorText).
   */
  run: (fn: () => Promise<unknown>, describe?: (err: unknown) => string) => Promise<void>;
}

/** The busy and error state of a form's or a dialog's one async action. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async (fn: () => Promise<unknown>, describe: (err: unknown) => string = errorText) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}
