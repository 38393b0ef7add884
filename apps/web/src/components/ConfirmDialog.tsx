import type { ReactNode } from 'react';
import { Dialog } from './Dialog.js';
import { FormError, useAction } from './Form.js';

/**
 * "Are you sure?": a dialog with Cancel and a confirm button that runs `onConfirm` (busy while
 * it runs; its failure is shown in the dialog, which stays open). `danger` paints the button red.
 */
export function ConfirmDialog({
  title,
  confirmLabel,
  onConfirm,
  onClose,
  danger = false,
  children,
}: {
  title: string;
  confirmLabel: string;
  onConfirm: () => Promise<unknown>;
  onClose: () => void;
  danger?: boolean;
  children: ReactNode;
}) {
  const action = useAction();
  return (
    <Dialog
      title={title}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className={danger ? 'btn btn-danger-fill' : 'btn btn-primary'} disabled={action.busy} onClick={() => void action.run(onConfirm)}>
            {confirmLabel}
          </button>
        </>
      }
    >
      {children}
      <FormError error={action.error} />
    </Dialog>
  );
}
