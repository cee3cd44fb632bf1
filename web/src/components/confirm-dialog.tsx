import type { ReactNode } from 'react';
import { errorMessage } from '../api/client.ts';
import { Button } from './ui/button.tsx';
import { Dialog } from './ui/dialog.tsx';

interface ConfirmDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description: ReactNode;
  action: string;
  destructive?: boolean;
  pending?: boolean;
  error?: unknown;
  onConfirm: () => void;
  children?: ReactNode;
}

/** Asks before an action that cannot be undone; shows the action's error in place. */
export function ConfirmDialog({
  open,
  onOpenChange,
  title,
  description,
  action,
  destructive,
  pending,
  error,
  onConfirm,
  children,
}: ConfirmDialogProps) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title={title} description={description}>
      <form
        className="flex flex-col gap-4"
        onSubmit={(event) => {
          event.preventDefault();
          onConfirm();
        }}
      >
        {children}
        {error ? (
          <p role="alert" className="text-sm text-destructive">
            {errorMessage(error)}
          </p>
        ) : null}
        <div className="flex justify-end gap-2">
          <Button variant="outline" onClick={() => onOpenChange(false)}>
            Cancel
          </Button>
          <Button type="submit" variant={destructive ? 'destructive' : 'primary'} disabled={pending}>
            {pending ? 'Working…' : action}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
