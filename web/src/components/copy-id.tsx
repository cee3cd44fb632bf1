import { useState } from 'react';
import { cn } from '../lib/cn.ts';

/**
 * An object's id in monospace with a Copy button, as Stripe's dashboard shows them: ids are what
 * a developer pastes into a log search or an API call.
 */
export function CopyId({ id, className }: { id: string; className?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <span className={cn('inline-flex max-w-full items-center gap-1 align-middle', className)}>
      <code className="truncate font-mono text-xs" title={id}>
        {id}
      </code>
      <button
        type="button"
        aria-label={copied ? `Copied ${id}` : `Copy ${id}`}
        className="shrink-0 rounded px-1.5 py-0.5 text-xs text-muted-foreground hover:bg-muted focus-visible:outline-2 focus-visible:outline-ring"
        onClick={(event) => {
          event.preventDefault();
          event.stopPropagation();
          navigator.clipboard?.writeText(id).then(
            () => {
              setCopied(true);
              setTimeout(() => setCopied(false), 1500);
            },
            () => setCopied(false),
          );
        }}
      >
        {copied ? 'Copied' : 'Copy'}
      </button>
    </span>
  );
}

/** An email that wraps only at the @ (never mid-word) and truncates with the full address on hover. */
export function Email({ email, className }: { email: string; className?: string }) {
  const at = email.lastIndexOf('@');
  return (
    <span className={cn('inline-block max-w-full truncate align-bottom', className)} title={email}>
      {at > 0 ? (
        <>
          {email.slice(0, at)}
          <wbr />
          {email.slice(at)}
        </>
      ) : (
        email
      )}
    </span>
  );
}
