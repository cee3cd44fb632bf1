import { useRef, useState, type FormEvent } from 'react';
import { ApiError, errorMessage } from '../api/client.ts';
import { formatAmount, parseAmount } from '../lib/money.ts';
import { Button } from './ui/button.tsx';
import { Dialog } from './ui/dialog.tsx';
import { Field } from './ui/field.tsx';
import { Input, Textarea } from './ui/input.tsx';

export interface MoneyFormValues {
  /** The other person's email. */
  counterparty: string;
  /** Integer minor units. */
  amount: number;
  currency: string;
  note: string;
}

type FieldName = 'counterparty' | 'amount' | 'note';
/** What a pre-confirmation check learned: the recipient's name, as the server knows it. */
export interface CheckResult {
  name: string;
  email: string;
}
type FieldErrors = Partial<Record<FieldName | 'form', string>>;

export interface MoneyFormProps {
  /** `to` for a transfer, `from` for a payment request: the API's name of the counterparty field. */
  counterpartyParam: 'to' | 'from';
  counterpartyLabel: string;
  submitLabel: string;
  currency?: string;
  /** The signed-in user's email: sending to or requesting from yourself is refused here. */
  ownEmail?: string;
  /** The available balance in minor units: a send above it is refused before asking the server. */
  available?: number | undefined;
  /**
   * Asked before the confirmation (the recipient check): its answer is handed to `confirm`, and
   * an ApiError it throws lands on the field it names, so a wrong email is caught before anyone
   * confirms anything.
   */
  check?: (values: MoneyFormValues) => Promise<CheckResult>;
  /** When given, a confirmation dialog with this text comes between the form and `onSubmit`. */
  confirm?: (
    values: MoneyFormValues,
    checked: CheckResult | undefined,
  ) => { title: string; description: string; action: string };
  /** Does the work; an ApiError naming a `param` is shown on that field. */
  onSubmit: (values: MoneyFormValues) => Promise<void>;
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const maxNote = 280;

/** Checks the fields; returns the values or the errors keyed by field. */
export function validateMoneyForm(
  input: { counterparty: string; amount: string; note: string },
  options: { currency: string; ownEmail?: string | undefined; available?: number | undefined; verb: string },
): { ok: true; values: MoneyFormValues } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const counterparty = input.counterparty.trim();
  if (!counterparty) errors.counterparty = 'Enter an email address';
  else if (!emailPattern.test(counterparty))
    errors.counterparty = 'Enter a valid email address, like name@example.com';
  else if (options.ownEmail && counterparty.toLowerCase() === options.ownEmail.toLowerCase())
    errors.counterparty = `You can't ${options.verb} yourself`;
  const amount = parseAmount(input.amount, options.currency);
  if (!amount.ok) errors.amount = amount.error;
  else if (options.available !== undefined && amount.minor > options.available) {
    errors.amount = `You have ${formatAmount(options.available, options.currency)} available`;
  }
  if (input.note.length > maxNote) errors.note = `Keep the note to ${maxNote} characters`;
  if (Object.keys(errors).length > 0 || !amount.ok) return { ok: false, errors };
  return {
    ok: true,
    values: { counterparty, amount: amount.minor, currency: options.currency, note: input.note.trim() },
  };
}

/** Puts an API error on the field it names (`param`), or on the form. */
export function fieldErrorsFromApi(error: unknown, counterpartyParam: string): FieldErrors {
  if (!(error instanceof ApiError)) return { form: errorMessage(error) };
  if (error.code === 'insufficient_funds')
    return { amount: 'You don’t have enough money for this. Enter a smaller amount.' };
  const param = error.param?.split('.')[0];
  if (param === counterpartyParam || (!param && error.status === 404))
    return { counterparty: errorMessage(error) };
  if (param === 'amount' || param === 'currency') return { amount: errorMessage(error) };
  if (param === 'note') return { note: errorMessage(error) };
  return { form: errorMessage(error) };
}

/**
 * Email, amount and note, validated here with messages that name the field, then (optionally)
 * confirmed in a dialog, then submitted; server errors land on their field too.
 */
export function MoneyForm({
  counterpartyParam,
  counterpartyLabel,
  submitLabel,
  currency = 'USD',
  ownEmail,
  available,
  check,
  confirm,
  onSubmit,
}: MoneyFormProps) {
  const [counterparty, setCounterparty] = useState('');
  const [amount, setAmount] = useState('');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [pending, setPending] = useState<MoneyFormValues | null>(null);
  const [checked, setChecked] = useState<CheckResult | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const refs = {
    counterparty: useRef<HTMLInputElement>(null),
    amount: useRef<HTMLInputElement>(null),
    note: useRef<HTMLTextAreaElement>(null),
  };

  const showErrors = (next: FieldErrors) => {
    setErrors(next);
    const first = (['counterparty', 'amount', 'note'] as const).find((name) => next[name]);
    if (first) refs[first].current?.focus();
  };

  const submit = async (values: MoneyFormValues) => {
    setBusy(true);
    try {
      await onSubmit(values);
      setCounterparty('');
      setAmount('');
      setNote('');
      setErrors({});
    } catch (error) {
      showErrors(fieldErrorsFromApi(error, counterpartyParam));
    } finally {
      setBusy(false);
      setPending(null);
    }
  };

  const onFormSubmit = (event: FormEvent) => {
    event.preventDefault();
    const result = validateMoneyForm(
      { counterparty, amount, note },
      {
        currency,
        ownEmail,
        available,
        verb: counterpartyParam === 'to' ? 'send money to' : 'request money from',
      },
    );
    if (!result.ok) {
      showErrors(result.errors);
      return;
    }
    setErrors({});
    if (!confirm) {
      void submit(result.values);
      return;
    }
    if (!check) {
      setPending(result.values);
      return;
    }
    setBusy(true);
    check(result.values)
      .then((answer) => {
        setChecked(answer);
        setPending(result.values);
      })
      .catch((error: unknown) => showErrors(fieldErrorsFromApi(error, counterpartyParam)))
      .finally(() => setBusy(false));
  };

  const confirmation = pending && confirm ? confirm(pending, checked) : null;
  return (
    <form noValidate onSubmit={onFormSubmit} className="flex flex-col gap-4">
      <Field label={counterpartyLabel} error={errors.counterparty}>
        <Input
          ref={refs.counterparty}
          type="email"
          name={counterpartyParam}
          autoComplete="email"
          inputMode="email"
          value={counterparty}
          onChange={(e) => setCounterparty(e.target.value)}
          placeholder="name@example.com"
        />
      </Field>
      <Field label={`Amount (${currency})`} error={errors.amount} hint="For example 12.50">
        <Input
          ref={refs.amount}
          name="amount"
          inputMode="decimal"
          autoComplete="off"
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
          placeholder="0.00"
        />
      </Field>
      <Field label="Note (optional)" error={errors.note}>
        <Textarea
          ref={refs.note}
          name="note"
          maxLength={maxNote + 20}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          placeholder="What's it for?"
        />
      </Field>
      {errors.form ? (
        <p role="alert" className="text-sm text-destructive">
          {errors.form}
        </p>
      ) : null}
      <Button type="submit" disabled={busy}>
        {busy && !pending ? (check ? 'Checking…' : 'Working…') : submitLabel}
      </Button>
      {confirmation && pending ? (
        <Dialog
          open
          onOpenChange={(open) => !open && !busy && setPending(null)}
          title={confirmation.title}
          description={confirmation.description}
        >
          <div className="flex justify-end gap-2">
            <Button variant="outline" onClick={() => setPending(null)} disabled={busy}>
              Back
            </Button>
            <Button onClick={() => void submit(pending)} disabled={busy}>
              {busy ? 'Sending…' : confirmation.action}
            </Button>
          </div>
        </Dialog>
      ) : null}
    </form>
  );
}
