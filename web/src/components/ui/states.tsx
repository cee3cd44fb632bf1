import type { ReactNode } from 'react';
import { Link, useInRouterContext } from 'react-router';
import { ApiError, errorMessage } from '../../api/client.ts';
import { Button } from './button.tsx';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div role="status" aria-live="polite" className="flex items-center gap-3 py-8 text-muted-foreground">
      <span
        className="size-4 animate-spin rounded-full border-2 border-border border-t-primary"
        aria-hidden="true"
      />
      {label}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="rounded-lg border border-dashed border-border px-4 py-10 text-center">
      <p className="font-medium">{title}</p>
      {children ? <div className="mt-2 text-muted-foreground">{children}</div> : null}
    </div>
  );
}

/** A way back from a page that cannot be shown: the page before it, and the given place (or Home). */
export function WayBack({ to = '/', label = 'Go to Home' }: { to?: string; label?: string }) {
  const inRouter = useInRouterContext();
  return (
    <div className="mt-3 flex flex-wrap gap-2">
      {typeof window !== 'undefined' && window.history.length > 1 ? (
        <Button variant="outline" size="sm" onClick={() => window.history.back()}>
          Go back
        </Button>
      ) : null}
      {inRouter ? (
        <Link
          to={to}
          className="inline-flex h-8 items-center rounded-md bg-primary px-3 text-sm font-medium text-primary-foreground hover:opacity-90"
        >
          {label}
        </Link>
      ) : (
        <a
          href={to}
          className="inline-flex h-8 items-center rounded-md bg-primary px-3 text-sm font-medium text-primary-foreground"
        >
          {label}
        </a>
      )}
    </div>
  );
}

/** A page, or an object on it, that does not exist (or is not the caller's to see). */
export function NotFound({
  title = 'Page not found',
  children,
  backTo,
}: {
  title?: string;
  children?: ReactNode;
  backTo?: { to: string; label: string };
}) {
  return (
    <div role="alert" className="rounded-lg border border-dashed border-border px-4 py-10 text-center">
      <p className="text-lg font-semibold">{title}</p>
      <p className="mt-2 text-muted-foreground">
        {children ?? 'It may have been deleted, the link may be mistyped, or it belongs to another account.'}
      </p>
      <div className="flex justify-center">
        <WayBack {...(backTo ?? {})} />
      </div>
    </div>
  );
}

/** Whether trying the same request again could help: not for client errors, which will not change. */
function retryable(error: unknown): boolean {
  return !(error instanceof ApiError) || error.status >= 500 || error.status === 429 || error.status === 408;
}

/**
 * An error in place of what failed to load, in a sentence that says what to do. An unknown id
 * (404) becomes a not-found message with a way back; Try again is offered only where it can help.
 */
export function ErrorState({
  error,
  onRetry,
  backTo,
}: {
  error: unknown;
  onRetry?: () => void;
  backTo?: { to: string; label: string };
}) {
  if (error instanceof ApiError && error.status === 404)
    return <NotFound title="Not found" {...(backTo ? { backTo } : {})} />;
  return (
    <div
      role="alert"
      className="flex flex-wrap items-center justify-between gap-3 rounded-lg border border-destructive px-4 py-3 text-destructive"
    >
      <span>{errorMessage(error)}</span>
      {onRetry && retryable(error) ? (
        <Button variant="outline" size="sm" onClick={onRetry}>
          Try again
        </Button>
      ) : null}
    </div>
  );
}
