import type { ActivityEntry } from '../api/activity.ts';
import { personLabel } from '../lib/contacts.ts';
import { cn } from '../lib/cn.ts';
import { formatAmount } from '../lib/money.ts';
import { formatDateTime } from './date-time.ts';

/** Entries with Sluice itself on the other side, by what they were for. */
const ownLabels: Record<string, string> = {
  signup_bonus: 'Sign-up bonus',
  commerce_order: 'Shop order',
  commerce_refund: 'Shop order refunded',
};

function describe(entry: ActivityEntry): string {
  const own = ownLabels[entry.type];
  if (own) return own;
  const who = personLabel(entry.counterparty_user, entry.counterparty);
  const what = entry.type === 'payment_request' ? 'Request' : entry.direction === 'credit' ? 'From' : 'To';
  return entry.type === 'payment_request'
    ? `${what} ${entry.direction === 'credit' ? 'paid by' : 'paid to'} ${who}`
    : `${what} ${who}`;
}

export function ActivityList({ entries }: { entries: ActivityEntry[] }) {
  return (
    <ul className="divide-y divide-border">
      {entries.map((entry) => (
        <li key={entry.id} className="flex items-center justify-between gap-3 py-3">
          <div className="min-w-0">
            <p className="truncate font-medium" title={entry.counterparty_user?.email}>
              {describe(entry)}
            </p>
            <p className="truncate text-sm text-muted-foreground">
              <time dateTime={entry.created_at}>{formatDateTime(entry.created_at)}</time>
              {entry.status === 'pending' ? ' · Pending' : ''}
              {entry.note ? ` · ${entry.note}` : ''}
            </p>
          </div>
          <span
            className={cn(
              'shrink-0 font-semibold tabular-nums',
              entry.direction === 'credit' ? 'text-success' : 'text-foreground',
            )}
          >
            {entry.direction === 'credit' ? '+' : '−'}
            {formatAmount(entry.amount, entry.currency)}
          </span>
        </li>
      ))}
    </ul>
  );
}
