import { useState } from 'react';
import { Link } from 'react-router';
import { ApiError, errorMessage } from '../../../api/client.ts';
import { useCreatePayment, type Payment } from '../../../api/payments.ts';
import { Badge } from '../../../components/ui/badge.tsx';
import { paymentStatusLabel, paymentStatusTone } from '../format.ts';
import { Button } from '../../../components/ui/button.tsx';
import { Card } from '../../../components/ui/card.tsx';
import { Field } from '../../../components/ui/field.tsx';
import { Input } from '../../../components/ui/input.tsx';
import { useIdempotencyKey } from '../../../lib/idempotency.ts';
import { formatAmount, isCurrency, parseAmount, type Currency } from '../../../lib/money.ts';
import { groupCardNumber, luhnValid, testCards } from '../../../lib/test-cards.ts';

export const testCurrencies = ['USD', 'EUR', 'GBP', 'JPY'] as const satisfies readonly Currency[];

export interface TestPaymentValues {
  amount: string;
  currency: string;
  capture: boolean;
  number: string;
  expiry: string;
  cvc: string;
  /** Optional: shown on the payment, as at Stripe. */
  description?: string;
  /** Optional key/value pairs stored with the payment (an order id…); empty rows are ignored. */
  metadata?: Array<{ key: string; value: string }>;
}

type FieldName = 'amount' | 'number' | 'expiry' | 'cvc' | 'description' | 'metadata';
export type TestPaymentErrors = Partial<Record<FieldName, string>>;

export type ValidatedPayment = {
  amount: number;
  currency: Currency;
  capture: boolean;
  card: { number: string; exp_month: number; exp_year: number; cvc: string };
  description?: string;
  metadata?: Record<string, string>;
};

/** The server's limits on metadata (payments/model.ts). */
const metadataLimits = { keys: 50, key: 40, value: 500 } as const;

/** The filled metadata rows as an object, or the reason they cannot be sent. */
function metadataOf(rows: Array<{ key: string; value: string }>): Record<string, string> | string {
  const filled = rows.filter((row) => row.key.trim() !== '' || row.value.trim() !== '');
  const metadata: Record<string, string> = {};
  for (const row of filled) {
    const key = row.key.trim();
    if (!key) return 'Give every metadata value a key';
    if (key.length > metadataLimits.key) return `Keep metadata keys to ${metadataLimits.key} characters`;
    if (row.value.length > metadataLimits.value)
      return `Keep metadata values to ${metadataLimits.value} characters`;
    if (key in metadata) return `The key “${key}” is there twice`;
    metadata[key] = row.value;
  }
  if (Object.keys(metadata).length > metadataLimits.keys) return `At most ${metadataLimits.keys} keys`;
  return metadata;
}

/** Client-side checks of the test payment form; the server checks again (brand, sandbox-time expiry). */
export function validateTestPayment(
  values: TestPaymentValues,
  now = new Date(),
): { ok: true; input: ValidatedPayment } | { ok: false; errors: TestPaymentErrors } {
  const errors: TestPaymentErrors = {};
  const amount = parseAmount(values.amount, values.currency);
  const currency = isCurrency(values.currency) ? values.currency : undefined;
  if (!amount.ok) errors.amount = amount.error;
  else if (!currency) errors.amount = `Sluice does not take ${values.currency}`;
  const number = values.number.replace(/[\s-]/g, '');
  if (number === '') errors.number = 'Enter a card number, or pick a test card below';
  else if (!/^\d{12,19}$/.test(number)) errors.number = 'A card number is 12 to 19 digits';
  else if (!luhnValid(number)) errors.number = 'That card number is not valid (check digit)';
  const expiry = /^\s*(\d{1,2})\s*\/\s*(\d{2}|\d{4})\s*$/.exec(values.expiry);
  let expMonth = 0;
  let expYear = 0;
  if (!expiry) errors.expiry = 'Enter the expiry as MM/YY';
  else {
    expMonth = Number(expiry[1]);
    expYear = expiry[2]!.length === 2 ? 2000 + Number(expiry[2]) : Number(expiry[2]);
    if (expMonth < 1 || expMonth > 12) errors.expiry = 'The month is 01 to 12';
    else if (
      expYear < now.getUTCFullYear() ||
      (expYear === now.getUTCFullYear() && expMonth < now.getUTCMonth() + 1)
    )
      errors.expiry = 'This card has expired';
  }
  if (!/^\d{3,4}$/.test(values.cvc.trim())) errors.cvc = 'The CVC is 3 or 4 digits';
  const description = values.description?.trim() ?? '';
  if (description.length > 1000) errors.description = 'Keep the description to 1,000 characters';
  const metadata = metadataOf(values.metadata ?? []);
  if (typeof metadata === 'string') errors.metadata = metadata;
  if (Object.keys(errors).length > 0 || !amount.ok || !currency || typeof metadata === 'string')
    return { ok: false, errors };
  return {
    ok: true,
    input: {
      amount: amount.minor,
      currency,
      capture: values.capture,
      card: { number, exp_month: expMonth, exp_year: expYear, cvc: values.cvc.trim() },
      ...(description ? { description } : {}),
      ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
    },
  };
}

/** The server names the field it refuses in `param`: `amount`, `card.number`, `card.exp_year` … */
function fieldOfParam(param: string | undefined): FieldName | undefined {
  if (param === 'amount') return 'amount';
  if (param === 'card.number') return 'number';
  if (param === 'card.exp_month' || param === 'card.exp_year') return 'expiry';
  if (param === 'card.cvc') return 'cvc';
  if (param === 'description') return 'description';
  if (param?.startsWith('metadata')) return 'metadata';
  return undefined;
}

type Result =
  | { kind: 'created'; payment: Payment }
  | { kind: 'declined'; declineCode: string; message: string; paymentId: string | undefined };

const initial: TestPaymentValues = {
  amount: '',
  currency: 'USD',
  capture: true,
  number: '',
  expiry: '12/34',
  cvc: '123',
  description: '',
  metadata: [{ key: '', value: '' }],
};

/** "Make a test payment": amount, currency, capture, a card (pick one from the test card table), and the outcome. */
export function TestPaymentForm({ merchantId }: { merchantId: string }) {
  const [values, setValues] = useState<TestPaymentValues>(initial);
  const [errors, setErrors] = useState<TestPaymentErrors>({});
  const [formError, setFormError] = useState<string>();
  const [result, setResult] = useState<Result>();
  const create = useCreatePayment(merchantId);
  const idempotency = useIdempotencyKey();
  const set = <K extends keyof TestPaymentValues>(key: K, value: TestPaymentValues[K]) =>
    setValues((v) => ({ ...v, [key]: value }));

  return (
    <div className="grid items-start gap-6 lg:grid-cols-[1fr_1fr]">
      <Card>
        <form
          noValidate
          aria-label="Test payment"
          className="flex flex-col gap-4"
          onSubmit={(event) => {
            event.preventDefault();
            setFormError(undefined);
            const checked = validateTestPayment(values);
            if (!checked.ok) {
              setErrors(checked.errors);
              return;
            }
            setErrors({});
            setResult(undefined);
            create.mutate(
              { ...checked.input, idempotencyKey: idempotency.keyFor(checked.input) },
              {
                onSuccess: (payment) => {
                  idempotency.done();
                  setResult({ kind: 'created', payment });
                },
                onError: (error) => {
                  if (error instanceof ApiError && error.code === 'card_declined') {
                    idempotency.done();
                    const paymentId =
                      typeof error.details.payment_id === 'string' ? error.details.payment_id : undefined;
                    setResult({
                      kind: 'declined',
                      declineCode: String(error.details.decline_code ?? 'generic_decline'),
                      message: errorMessage(error),
                      paymentId,
                    });
                    return;
                  }
                  const field = error instanceof ApiError ? fieldOfParam(error.param) : undefined;
                  if (field) setErrors({ [field]: errorMessage(error) });
                  else setFormError(errorMessage(error));
                },
              },
            );
          }}
        >
          <div className="grid grid-cols-[1fr_7rem] gap-3">
            <Field label="Amount" error={errors.amount} hint="For example 12.50">
              <Input
                inputMode="decimal"
                autoComplete="off"
                placeholder="Amount"
                value={values.amount}
                onChange={(e) => set('amount', e.target.value)}
              />
            </Field>
            <Field label="Currency">
              <select
                className="h-10 rounded-md border border-input bg-card px-2 text-foreground focus-visible:outline-2 focus-visible:outline-ring"
                value={values.currency}
                onChange={(e) => set('currency', e.target.value)}
              >
                {testCurrencies.map((c) => (
                  <option key={c}>{c}</option>
                ))}
              </select>
            </Field>
          </div>
          <Field label="Card number" error={errors.number}>
            <Input
              inputMode="numeric"
              autoComplete="off"
              placeholder="Pick a test card, or type a number"
              value={values.number}
              onChange={(e) => set('number', e.target.value)}
            />
          </Field>
          <div className="grid grid-cols-2 gap-3">
            <Field label="Expiry (MM/YY)" error={errors.expiry}>
              <Input
                autoComplete="off"
                placeholder="MM/YY"
                value={values.expiry}
                onChange={(e) => set('expiry', e.target.value)}
              />
            </Field>
            <Field label="CVC" error={errors.cvc}>
              <Input
                inputMode="numeric"
                autoComplete="off"
                placeholder="3 or 4 digits"
                value={values.cvc}
                onChange={(e) => set('cvc', e.target.value)}
              />
            </Field>
          </div>
          <Field label="Description (optional)" error={errors.description}>
            <Input
              autoComplete="off"
              placeholder="What the payment is for"
              value={values.description ?? ''}
              onChange={(e) => set('description', e.target.value)}
            />
          </Field>
          <MetadataRows
            rows={values.metadata ?? []}
            error={errors.metadata}
            onChange={(rows) => set('metadata', rows)}
          />
          <label className="flex items-center gap-2">
            <input
              type="checkbox"
              className="size-4 accent-primary"
              checked={values.capture}
              onChange={(e) => set('capture', e.target.checked)}
            />
            <span>Capture immediately</span>
          </label>
          {formError ? (
            <p role="alert" className="text-sm text-destructive">
              {formError}
            </p>
          ) : null}
          <Button type="submit" disabled={create.isPending}>
            {create.isPending ? 'Paying…' : 'Pay'}
          </Button>
        </form>
        {result ? <ResultPanel merchantId={merchantId} result={result} /> : null}
      </Card>
      <section aria-labelledby="test-cards-heading">
        <h2 id="test-cards-heading" className="mb-2 font-semibold">
          Test cards
        </h2>
        <p className="mb-3 text-sm text-muted-foreground">
          Pick a card to fill the form. Any future expiry and any CVC work; any other valid number succeeds.
        </p>
        <div className="overflow-x-auto rounded-lg border border-border bg-card">
          <table className="w-full text-left text-sm">
            <thead className="border-b border-border text-muted-foreground">
              <tr>
                <th scope="col" className="px-3 py-2 font-medium">
                  Number
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Outcome
                </th>
              </tr>
            </thead>
            <tbody>
              {testCards.map((card) => (
                <tr key={card.number} className="border-b border-border last:border-0">
                  <td className="px-3 py-1.5">
                    <button
                      type="button"
                      className="rounded font-mono whitespace-nowrap text-primary hover:underline focus-visible:outline-2 focus-visible:outline-ring"
                      aria-label={`Use ${card.outcome} card ${card.number}`}
                      onClick={() => {
                        set('number', groupCardNumber(card.number));
                        setErrors((e) => ({ ...e, number: undefined }));
                      }}
                    >
                      {groupCardNumber(card.number)}
                    </button>
                  </td>
                  <td className="px-3 py-1.5">
                    <span className="font-medium">{card.outcome}</span>
                    <span className="block text-xs text-muted-foreground">{card.result}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}

function ResultPanel({ merchantId, result }: { merchantId: string; result: Result }) {
  if (result.kind === 'declined') {
    return (
      <div
        role="status"
        data-testid="payment-result"
        className="mt-4 rounded-lg border border-destructive px-4 py-3"
      >
        <p className="flex items-center gap-2 font-medium">
          <Badge tone="destructive">Declined</Badge>{' '}
          <span className="font-mono text-sm">{result.declineCode}</span>
        </p>
        <p className="mt-1 text-sm text-muted-foreground">{result.message}</p>
        {result.paymentId ? (
          <Link
            className="mt-1 inline-block text-sm text-primary hover:underline"
            to={`/developers/${merchantId}/payments/${result.paymentId}`}
          >
            View payment {result.paymentId}
          </Link>
        ) : null}
      </div>
    );
  }
  const p = result.payment;
  const authorized = p.status === 'requires_capture';
  return (
    <div
      role="status"
      data-testid="payment-result"
      className={`mt-4 rounded-lg border px-4 py-3 ${p.status === 'succeeded' ? 'border-success' : 'border-warning'}`}
    >
      <p className="flex items-center gap-2 font-medium">
        <Badge tone={paymentStatusTone[p.status]}>{paymentStatusLabel[p.status] ?? p.status}</Badge>{' '}
        {formatAmount(p.amount, p.currency)}
      </p>
      {authorized || p.status === 'succeeded' ? (
        <p className="mt-1 text-sm text-muted-foreground">
          {authorized
            ? 'Authorized: the money is held on the card. Capture or cancel it on the payment page before the hold expires.'
            : 'Paid: the money is captured and settles to the merchant’s balance the next day.'}
        </p>
      ) : null}
      {p.review ? (
        <p className="mt-1 text-sm text-warning">Flagged for review: capture or void it yourself.</p>
      ) : null}
      <Link
        className="mt-1 inline-block text-sm text-primary hover:underline"
        to={`/developers/${merchantId}/payments/${p.id}`}
      >
        View payment {p.id}
      </Link>
    </div>
  );
}

/** Metadata as key/value rows, with a button for another row (the server takes up to 50). */
function MetadataRows({
  rows,
  error,
  onChange,
}: {
  rows: Array<{ key: string; value: string }>;
  error: string | undefined;
  onChange: (rows: Array<{ key: string; value: string }>) => void;
}) {
  const update = (index: number, field: 'key' | 'value', text: string) =>
    onChange(rows.map((row, n) => (n === index ? { ...row, [field]: text } : row)));
  return (
    <fieldset className="flex flex-col gap-2">
      <legend className="mb-1 text-sm font-medium">Metadata (optional)</legend>
      {rows.map((row, index) => (
        // Rows are only appended, never reordered or removed: the index is a stable key.
        <div key={index} className="grid grid-cols-2 gap-2">
          <Input
            aria-label={`Metadata key ${index + 1}`}
            autoComplete="off"
            placeholder="Key, like order_id"
            value={row.key}
            aria-invalid={error ? true : undefined}
            onChange={(e) => update(index, 'key', e.target.value)}
          />
          <Input
            aria-label={`Metadata value ${index + 1}`}
            autoComplete="off"
            placeholder="Value"
            value={row.value}
            onChange={(e) => update(index, 'value', e.target.value)}
          />
        </div>
      ))}
      {error ? <p className="text-sm text-destructive">{error}</p> : null}
      <Button
        variant="ghost"
        size="sm"
        className="self-start"
        onClick={() => onChange([...rows, { key: '', value: '' }])}
      >
        Add metadata
      </Button>
    </fieldset>
  );
}
