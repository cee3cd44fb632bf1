import { useState } from 'react';
import { Button } from './ui/button.tsx';
import { Dialog } from './ui/dialog.tsx';

/** What each kind of secret lets its holder do, said plainly under it. */
const warnings = {
  apiKey:
    'Anyone with this key can act as this merchant: take payments, refund them and read its data. Keep it on your server; never put it in client-side code.',
  signingSecret:
    'This secret only signs the events Sluice sends to this endpoint: your server uses it to check that a request really comes from Sluice. It cannot call the API or move money, but anyone holding it could forge events to your endpoint, so keep it on your server.',
} as const;

/** A secret shown once (an API key, a webhook signing secret): a copy button and what it can do. */
export function SecretDialog({
  title,
  secret,
  kind,
  onClose,
}: {
  title: string;
  secret: string | null;
  kind: keyof typeof warnings;
  onClose: () => void;
}) {
  const [copied, setCopied] = useState(false);
  return (
    <Dialog
      open={secret !== null}
      onOpenChange={(open) => {
        if (!open) {
          setCopied(false);
          onClose();
        }
      }}
      title={title}
      description="Copy it now and keep it somewhere safe: it is shown only once and Sluice cannot show it again."
    >
      <div className="flex flex-col gap-3">
        <code
          data-testid="secret"
          className="block rounded-md border border-border bg-muted px-3 py-2 font-mono text-sm break-all"
        >
          {secret}
        </code>
        <p role="note" className="text-sm text-warning">
          {warnings[kind]}
        </p>
        <div className="flex justify-end gap-2">
          <Button
            variant="outline"
            onClick={() => {
              if (!secret) return;
              navigator.clipboard?.writeText(secret).then(
                () => setCopied(true),
                () => setCopied(false),
              );
            }}
          >
            {copied ? 'Copied' : 'Copy'}
          </Button>
          <Button
            onClick={() => {
              setCopied(false);
              onClose();
            }}
          >
            I have saved it
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
