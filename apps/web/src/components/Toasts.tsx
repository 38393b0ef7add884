import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { createContext, useContext } from 'react';

type Show = (text: string) => void;
const ToastContext = createContext<Show>(() => undefined);

/** Short messages about things that went wrong in the background, read out by screen readers. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<{ id: number; text: string }[]>([]);
  const next = useRef(0);
  const timers = useRef(new Set<ReturnType<typeof setTimeout>>());
  useEffect(() => {
    const all = timers.current;
    return () => all.forEach(clearTimeout);
  }, []);
  const show = useCallback<Show>((text) => {
    const id = ++next.current;
    setToasts((t) => [...t.slice(-2), { id, text }]);
    const timer = setTimeout(() => {
      timers.current.delete(timer);
      setToasts((t) => t.filter((x) => x.id !== id));
    }, 5000);
    timers.current.add(timer);
  }, []);
  return (
    <ToastContext.Provider value={show}>
      {children}
      <div className="toast-region" role="status" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} className="toast">
            {t.text}
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

/** Shows a toast. */
export function useToast(): Show {
  return useContext(ToastContext);
}

/** A user-facing sentence for an error (OttrError messages are written for people). */
export function errorText(err: unknown): string {
  if (err && typeof err === 'object' && 'message' in err && typeof err.message === 'string' && err.message) return err.message;
  return 'Something went wrong. Try again.';
}
