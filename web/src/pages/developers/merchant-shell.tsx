import { NavLink, Outlet, useLocation, useNavigate, useParams } from 'react-router';
import { useMerchant, useMerchants } from '../../api/merchants.ts';
import { Badge } from '../../components/ui/badge.tsx';
import { ErrorState, Loading } from '../../components/ui/states.tsx';
import { cn } from '../../lib/cn.ts';

/** The merchant the developer pages act as, from the URL. */
export function useMerchantId(): string {
  const { merchantId } = useParams();
  if (!merchantId) throw new Error('useMerchantId outside /developers/:merchantId');
  return merchantId;
}

const sections = [
  { to: '', label: 'Overview', end: true },
  { to: 'keys', label: 'API keys' },
  { to: 'payments', label: 'Payments' },
  { to: 'test-payment', label: 'Test payment' },
  { to: 'webhooks', label: 'Webhooks' },
  { to: 'balance', label: 'Balance' },
  { to: 'settlements', label: 'Settlements' },
  { to: 'disputes', label: 'Disputes' },
  { to: 'hub', label: 'Hub' },
  { to: 'billing', label: 'Billing' },
  { to: 'approvals', label: 'Approvals' },
  { to: 'events', label: 'Events' },
  { to: 'metrics', label: 'Metrics' },
];

const selectClass =
  'h-9 w-full min-w-0 rounded-md border border-input bg-card px-2 text-foreground focus-visible:outline-2 focus-visible:outline-ring sm:w-auto';

/** One merchant's developer pages: a merchant switcher and the section navigation. */
export function MerchantShell() {
  const merchantId = useMerchantId();
  const merchant = useMerchant(merchantId);
  const merchants = useMerchants();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  // The section open now: the path segment after the merchant id ('' for the overview).
  const current = pathname.split('/')[3] ?? '';
  if (merchant.isPending) return <Loading label="Loading merchant…" />;
  if (merchant.isError)
    return (
      <ErrorState
        error={merchant.error}
        onRetry={() => void merchant.refetch()}
        backTo={{ to: '/developers', label: 'Back to merchants' }}
      />
    );
  return (
    <div>
      {/*
        On a phone this is one row (a Sandbox mark, the merchant and the section as two selects),
        so the page's own title starts within 200 px of the top (the phone pass checks it); from
        `sm` up, the merchant's name and a labelled switcher, with the section links below.
      */}
      <div className="mb-4 flex items-center gap-2 border-b border-border pb-2 sm:flex-wrap sm:justify-between sm:gap-3 sm:border-0 sm:pb-0">
        <div className="hidden min-w-0 sm:block">
          <p className="text-sm text-muted-foreground">Developers · sandbox</p>
          <p className="truncate text-lg font-semibold" data-testid="merchant-name">
            {merchant.data.name}
          </p>
        </div>
        <Badge className="sm:hidden">Sandbox</Badge>
        <label className="flex min-w-0 flex-1 items-center gap-2 text-sm sm:flex-none">
          <span className="sr-only text-muted-foreground sm:not-sr-only">Merchant</span>
          <select
            aria-label="Merchant"
            className={selectClass}
            value={merchantId}
            onChange={(event) =>
              navigate(event.target.value === '' ? '/developers' : `/developers/${event.target.value}`)
            }
          >
            {(merchants.data?.data ?? [merchant.data]).map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
            <option value="">Manage merchants…</option>
          </select>
        </label>
        {/* One select stands in for the fourteen section links on a phone. */}
        <label className="flex min-w-0 flex-1 text-sm sm:hidden">
          <span className="sr-only">Section</span>
          <select
            aria-label="Section"
            className={selectClass}
            value={sections.some((section) => section.to === current) ? current : ''}
            onChange={(event) =>
              navigate(
                event.target.value === ''
                  ? `/developers/${merchantId}`
                  : `/developers/${merchantId}/${event.target.value}`,
              )
            }
          >
            {sections.map((section) => (
              <option key={section.to} value={section.to}>
                {section.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <nav
        aria-label="Developer"
        className="-mx-1 mb-6 hidden flex-wrap gap-1 border-b border-border pb-2 sm:flex"
      >
        {sections.map((section) => (
          <NavLink
            key={section.to}
            to={section.to === '' ? `/developers/${merchantId}` : `/developers/${merchantId}/${section.to}`}
            end={section.end ?? false}
            className={({ isActive }) =>
              cn(
                'shrink-0 rounded-md px-3 py-1.5 text-sm font-medium focus-visible:outline-2 focus-visible:outline-ring',
                isActive ? 'bg-secondary text-secondary-foreground' : 'text-muted-foreground hover:bg-muted',
              )
            }
          >
            {section.label}
          </NavLink>
        ))}
      </nav>
      <Outlet />
    </div>
  );
}
