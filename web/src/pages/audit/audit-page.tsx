import { useAudit } from '../../api/audit.ts';
import { useSession } from '../../api/session.ts';
import { formatDateTime } from '../../components/date-time.ts';
import { Button } from '../../components/ui/button.tsx';
import { Card, PageHeader } from '../../components/ui/card.tsx';
import { Empty, ErrorState, Loading } from '../../components/ui/states.tsx';
import { cn } from '../../lib/cn.ts';
import { formatAmount } from '../../lib/money.ts';
import { OperationsPanel } from './operations-panel.tsx';

function Verdict({ ok }: { ok: boolean }) {
  return (
    <span className={cn('font-semibold', ok ? 'text-success' : 'text-destructive')}>
      {ok ? 'Balanced' : 'Not balanced'}
    </span>
  );
}

function AuditReport() {
  const audit = useAudit();
  if (audit.isPending) return <Loading label="Checking the ledger…" />;
  if (audit.isError) return <ErrorState error={audit.error} onRetry={() => void audit.refetch()} />;
  const report = audit.data;
  return (
    <>
      <Card className="mb-4 flex flex-wrap items-center justify-between gap-3">
        <p>
          Ledger: <Verdict ok={report.balanced} />
          {report.checked_at ? (
            <span className="ml-2 text-sm text-muted-foreground">
              checked {formatDateTime(report.checked_at)}
            </span>
          ) : null}
        </p>
        <Button variant="outline" size="sm" disabled={audit.isFetching} onClick={() => void audit.refetch()}>
          {audit.isFetching ? 'Checking…' : 'Check again'}
        </Button>
      </Card>
      {report.currencies.length === 0 ? (
        <Empty title="No currencies in the ledger yet" />
      ) : (
        <Card className="overflow-x-auto p-0 sm:p-0">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Ledger totals per currency</caption>
            <thead className="border-b border-border text-muted-foreground">
              <tr>
                <th scope="col" className="px-4 py-2">
                  Currency
                </th>
                {/* Status second: on a phone it must show before the table scrolls. */}
                <th scope="col" className="px-4 py-2">
                  Status
                </th>
                <th scope="col" className="px-4 py-2 text-right">
                  Debits posted
                </th>
                <th scope="col" className="px-4 py-2 text-right">
                  Credits posted
                </th>
                <th scope="col" className="hidden px-4 py-2 text-right sm:table-cell">
                  Debits pending
                </th>
                <th scope="col" className="hidden px-4 py-2 text-right sm:table-cell">
                  Credits pending
                </th>
                <th scope="col" className="px-4 py-2">
                  Overdrawn
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-border tabular-nums">
              {report.currencies.map((c) => (
                <tr key={c.currency}>
                  <th scope="row" className="px-4 py-2 font-medium">
                    {c.currency}
                  </th>
                  <td className="px-4 py-2">
                    <Verdict ok={c.balanced} />
                  </td>
                  <td className="px-4 py-2 text-right">{formatAmount(c.debits_posted, c.currency)}</td>
                  <td className="px-4 py-2 text-right">{formatAmount(c.credits_posted, c.currency)}</td>
                  <td className="hidden px-4 py-2 text-right sm:table-cell">
                    {formatAmount(c.debits_pending, c.currency)}
                  </td>
                  <td className="hidden px-4 py-2 text-right sm:table-cell">
                    {formatAmount(c.credits_pending, c.currency)}
                  </td>
                  <td className="px-4 py-2">
                    {c.overdrawn_accounts.length === 0 ? 'None' : c.overdrawn_accounts.join(', ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}
    </>
  );
}

export function AuditPage() {
  const session = useSession();
  const isAdmin = session?.user.groups.includes('admin') ?? false;
  return (
    <div>
      <PageHeader title="Ledger audit" description="Double-entry invariants per currency, checked now." />
      {isAdmin ? (
        <>
          <AuditReport />
          <OperationsPanel />
        </>
      ) : (
        <Empty title="Admins only">Ask an administrator for access.</Empty>
      )}
    </div>
  );
}
