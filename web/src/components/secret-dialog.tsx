import { useState } from 'react';
import { Button } from './ui/button.tsx';
import { Dialog } from './ui/dialog.tsx';

/** A secret shown once (an API key, a webhook signing secret): a copy button and a warning. */
export function SecretDialog({
  title,
  secret,
  onClose,
}: {
  title: string;
  secret: string | null;
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
          Anyone with this secret can act as this merchant. Never put it in client-side code.
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
