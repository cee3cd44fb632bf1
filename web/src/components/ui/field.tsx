import { cloneElement, useId, type ReactElement } from 'react';
import { Label } from './label.tsx';

interface FieldProps {
  label: string;
  /** The validation message; marks the control invalid and is announced with it. */
  error?: string | undefined;
  hint?: string;
  children: ReactElement<Record<string, unknown>>;
}

/** A label, a control and its hint or error, wired with id, aria-invalid and aria-describedby. */
export function Field({ label, error, hint, children }: FieldProps) {
  const id = useId();
  const messageId = `${id}-message`;
  const control = cloneElement(children, {
    id,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': error || hint ? messageId : undefined,
  });
  return (
    <div className="flex flex-col gap-1.5">
      <Label htmlFor={id}>{label}</Label>
      {control}
      {error ? (
        <p id={messageId} className="text-sm text-destructive">
          {error}
        </p>
      ) : hint ? (
        <p id={messageId} className="text-sm text-muted-foreground">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
