import { useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, errorMessage } from '../api/client.ts';
import { Button } from './ui/button.tsx';
import { Card } from './ui/card.tsx';
import { Field } from './ui/field.tsx';
import { Input } from './ui/input.tsx';

export interface AuthField {
  name: string;
  label: string;
  type: 'text' | 'email' | 'password';
  autoComplete: string;
  validate: (value: string) => string | undefined;
}

interface AuthFormProps {
  title: string;
  fields: AuthField[];
  submitLabel: string;
  onSubmit: (values: Record<string, string>) => Promise<void>;
  footer: ReactNode;
}

/** The sign-in and sign-up card: labelled fields, messages that name the field, server `param` mapped back. */
export function AuthForm({ title, fields, submitLabel, onSubmit, footer }: AuthFormProps) {
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(fields.map((f) => [f.name, ''])),
  );
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const next: Record<string, string | undefined> = {};
    for (const field of fields) next[field.name] = field.validate(values[field.name] ?? '');
    setErrors(next);
    const firstInvalid = fields.find((f) => next[f.name]);
    if (firstInvalid) {
      form.querySelector<HTMLInputElement>(`[name="${firstInvalid.name}"]`)?.focus();
      return;
    }
    setBusy(true);
    try {
      await onSubmit(values);
    } catch (error) {
      const param = error instanceof ApiError ? error.param : undefined;
      if (param && fields.some((f) => f.name === param)) {
        setErrors({ [param]: errorMessage(error) });
        form.querySelector<HTMLInputElement>(`[name="${param}"]`)?.focus();
      } else setErrors({ form: errorMessage(error) });
      setBusy(false);
    }
  };

  return (
    <div className="mx-auto mt-8 max-w-sm px-4 sm:mt-16">
      <p className="mb-6 text-center text-xl font-semibold text-primary">Sluice</p>
      <Card>
        <h1 className="mb-4 text-xl font-semibold">{title}</h1>
        <form noValidate onSubmit={(e) => void submit(e)} className="flex flex-col gap-4">
          {fields.map((field) => (
            <Field key={field.name} label={field.label} error={errors[field.name]}>
              <Input
                name={field.name}
                type={field.type}
                autoComplete={field.autoComplete}
                value={values[field.name] ?? ''}
                onChange={(e) => setValues((v) => ({ ...v, [field.name]: e.target.value }))}
              />
            </Field>
          ))}
          {errors.form ? (
            <p role="alert" className="text-sm text-destructive">
              {errors.form}
            </p>
          ) : null}
          <Button type="submit" disabled={busy}>
            {busy ? 'Please wait…' : submitLabel}
          </Button>
        </form>
      </Card>
      <p className="mt-4 text-center text-sm text-muted-foreground">{footer}</p>
    </div>
  );
}

export const emailField: AuthField = {
  name: 'email',
  label: 'Email',
  type: 'email',
  autoComplete: 'email',
  validate: (v) =>
    !v.trim()
      ? 'Enter your email'
      : /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.trim())
        ? undefined
        : 'Enter a valid email address',
};
