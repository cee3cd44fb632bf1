import { useState, type FormEvent } from 'react';
import { useMailbox } from '../../api/account.ts';
import { Button } from '../../components/ui/button.tsx';
import { Card, PageHeader } from '../../components/ui/card.tsx';
import { Field } from '../../components/ui/field.tsx';
import { Input } from '../../components/ui/input.tsx';
import { Empty, ErrorState, Loading } from '../../components/ui/states.tsx';
import { formatDateTime } from '../../components/date-time.ts';

/** Admin (local runtime): the mail the server sent to one address, as the recipient would read it. */
export function MailboxPage() {
  const [draft, setDraft] = useState('');
  const [to, setTo] = useState('');
  const mailbox = useMailbox(to);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTo(draft.trim());
  };
  return (
    <div>
      <PageHeader
        title="Mailbox"
        description="Locally nothing leaves the machine: verification and reset codes land here."
      />
      <form onSubmit={submit} className="mb-4 flex flex-wrap items-end gap-3">
        <div className="min-w-64 flex-1">
          <Field label="Recipient">
            <Input name="to" type="email" value={draft} onChange={(e) => setDraft(e.target.value)} />
          </Field>
        </div>
        <Button type="submit">Show mail</Button>
      </form>
      {to === '' ? null : mailbox.isPending ? (
        <Loading label="Loading mail…" />
      ) : mailbox.isError ? (
        <ErrorState error={mailbox.error} onRetry={() => void mailbox.refetch()} />
      ) : mailbox.data.data.length === 0 ? (
        <Empty title={`No mail for ${to}`} />
      ) : (
        <ul className="flex flex-col gap-3" aria-label="Messages">
          {mailbox.data.data.map((message) => (
            <li key={message.id}>
              <Card>
                <p className="font-medium">{message.subject ?? 'Text message'}</p>
                <p className="mb-2 text-sm text-muted-foreground">
                  To {message.to} · {formatDateTime(message.sent_at)}
                </p>
                <pre className="text-sm whitespace-pre-wrap">{message.text}</pre>
              </Card>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
