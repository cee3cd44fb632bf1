import { useState } from 'react';
import { toast } from 'sonner';
import { ApiError, errorMessage } from '../../../api/client.ts';
import { evidenceMaxLength, useSubmitEvidence } from '../../../api/disputes.ts';
import { Button } from '../../../components/ui/button.tsx';
import { Field } from '../../../components/ui/field.tsx';
import { Textarea } from '../../../components/ui/input.tsx';
import { useIdempotencyKey } from '../../../lib/idempotency.ts';

/** The server trims and requires 1 to 20,000 characters; say so before sending. */
export function validateEvidence(text: string): { ok: true; text: string } | { ok: false; error: string } {
  const trimmed = text.trim();
  if (trimmed.length === 0) return { ok: false, error: 'Describe your evidence' };
  if (trimmed.length > evidenceMaxLength)
    return {
      ok: false,
      error: `At most ${evidenceMaxLength.toLocaleString('en-US')} characters (${trimmed.length.toLocaleString('en-US')} now)`,
    };
  return { ok: true, text: trimmed };
}

/** Answers a dispute that needs a response; it then goes under review. */
export function EvidenceForm({ merchantId, disputeId }: { merchantId: string; disputeId: string }) {
  const submit = useSubmitEvidence(merchantId, disputeId);
  const idempotency = useIdempotencyKey();
  const [text, setText] = useState('');
  const [fieldError, setFieldError] = useState<string>();
  const serverFieldError =
    submit.error instanceof ApiError && submit.error.param === 'text' ? submit.error.message : undefined;

  return (
    <form
      noValidate
      className="flex flex-col gap-3"
      onSubmit={(event) => {
        event.preventDefault();
        const checked = validateEvidence(text);
        if (!checked.ok) return setFieldError(checked.error);
        setFieldError(undefined);
        submit.mutate(
          { text: checked.text, idempotencyKey: idempotency.keyFor({ text: checked.text }) },
          {
            onSuccess: () => {
              idempotency.done();
              toast.success('Evidence submitted');
            },
          },
        );
      }}
    >
      <Field
        label="Evidence"
        error={fieldError ?? serverFieldError}
        hint="Receipts, delivery tracking, correspondence with the customer."
      >
        <Textarea rows={5} value={text} onChange={(event) => setText(event.target.value)} />
      </Field>
      {submit.isError && !serverFieldError ? (
        <p role="alert" className="text-sm text-destructive">
          {errorMessage(submit.error)}
        </p>
      ) : null}
      <div>
        <Button type="submit" disabled={submit.isPending}>
          {submit.isPending ? 'Submitting…' : 'Submit evidence'}
        </Button>
      </div>
    </form>
  );
}
