import { NavLink, Outlet, useLocation, useNavigate, useParams } from 'react-router';
import { useMerchant, useMerchants } from '../../api/merchants.ts';
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
      <div className="mb-4 flex flex-wrap items-center justify-between gap-3">
        <div className="min-w-0">
          <p className="text-sm text-muted-foreground">Developers · sandbox</p>
          <p className="truncate text-lg font-semibold" data-testid="merchant-name">
            {merchant.data.name}
          </p>
        </div>
        <label className="flex items-center gap-2 text-sm">
          <span className="text-muted-foreground">Merchant</span>
          <select
            aria-label="Merchant"
            className="h-9 rounded-md border border-input bg-card px-2 text-foreground focus-visible:outline-2 focus-visible:outline-ring"
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
      </div>
      {/* On a phone one select stands in for the fourteen links, so the page starts near the top. */}
      <label className="mb-4 flex items-center gap-2 border-b border-border pb-3 text-sm sm:hidden">
        <span className="text-muted-foreground">Section</span>
        <select
          aria-label="Section"
          className="h-9 min-w-0 flex-1 rounded-md border border-input bg-card px-2 text-foreground focus-visible:outline-2 focus-visible:outline-ring"
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
