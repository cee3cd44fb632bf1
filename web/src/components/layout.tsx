import { Suspense, useEffect, useState } from 'react';
import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { usePaymentRequests } from '../api/payment-requests.ts';
import { useSignOut } from '../api/auth.ts';
import { useRealtime } from '../api/realtime.ts';
import { useSession } from '../api/session.ts';
import { cn } from '../lib/cn.ts';
import { Button } from './ui/button.tsx';
import { Loading } from './ui/states.tsx';

const links = [
  { to: '/', label: 'Home' },
  { to: '/send', label: 'Send' },
  { to: '/request', label: 'Request' },
  { to: '/requests', label: 'Requests' },
  { to: '/activity', label: 'Activity' },
  { to: '/feed', label: 'Feed' },
  { to: '/coins', label: 'Coins' },
  { to: '/shop', label: 'Shop' },
  { to: '/developers', label: 'Developers' },
  { to: '/security', label: 'Security' },
];

/** How many incoming requests wait for the user to pay or decline them (the Requests badge). */
function usePendingRequestCount(): number {
  const incoming = usePaymentRequests('incoming');
  return incoming.data?.data.filter((request) => request.status === 'pending').length ?? 0;
}

/**
 * The signed-in shell: navigation, sign out, and the live connection. On a phone the links fold
 * behind a Menu button, so the page starts right under a one-line header.
 */
export function Layout() {
  const session = useSession();
  const signOut = useSignOut();
  const navigate = useNavigate();
  const location = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const pending = usePendingRequestCount();
  useRealtime();
  useEffect(() => setMenuOpen(false), [location.pathname]);
  const isAdmin = session?.user.groups.includes('admin') ?? false;
  const nav = isAdmin
    ? [
        ...links,
        { to: '/admin/audit', label: 'Audit' },
        { to: '/admin/users', label: 'Users' },
        { to: '/admin/mailbox', label: 'Mailbox' },
        { to: '/admin/rewards', label: 'Rewards admin' },
        { to: '/admin/shop', label: 'Shop admin' },
      ]
    : links;
  return (
    <div className="min-h-dvh">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-card focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <header className="border-b border-border bg-card">
        <div className="mx-auto flex max-w-4xl items-center justify-between gap-3 px-4 py-2 sm:py-3">
          <Link to="/" className="text-lg font-semibold text-primary">
            Sluice
          </Link>
          <div className="flex items-center gap-2">
            <span className="hidden text-sm text-muted-foreground sm:inline">{session?.user.email}</span>
            <Button
              variant="ghost"
              size="sm"
              onClick={() =>
                signOut.mutate(undefined, { onSettled: () => void navigate('/signin', { replace: true }) })
              }
            >
              Sign out
            </Button>
            <Button
              variant="outline"
              size="sm"
              className="sm:hidden"
              aria-expanded={menuOpen}
              aria-controls="main-nav"
              onClick={() => setMenuOpen((open) => !open)}
            >
              {menuOpen ? 'Close' : 'Menu'}
              {!menuOpen && pending > 0 ? <PendingBadge count={pending} /> : null}
            </Button>
          </div>
        </div>
        {/* Wraps rather than scrolls: a scrolled-off link looks like no link at all. */}
        <nav
          id="main-nav"
          aria-label="Main"
          className={cn('mx-auto max-w-4xl flex-wrap gap-1 px-3 pb-2 sm:flex', menuOpen ? 'flex' : 'hidden')}
        >
          {nav.map((link) => (
            <NavLink
              key={link.to}
              to={link.to}
              end={link.to === '/'}
              className={({ isActive }) =>
                cn(
                  'inline-flex shrink-0 items-center gap-1.5 rounded-md px-3 py-1.5 text-sm font-medium focus-visible:outline-2 focus-visible:outline-ring',
                  isActive
                    ? 'bg-secondary text-secondary-foreground'
                    : 'text-muted-foreground hover:bg-muted',
                )
              }
            >
              {link.label}
              {link.to === '/requests' && pending > 0 ? <PendingBadge count={pending} /> : null}
            </NavLink>
          ))}
        </nav>
      </header>
      <main id="main" className="mx-auto max-w-4xl px-4 py-6">
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}

/** A count of things waiting for the user, read as "3 pending". */
function PendingBadge({ count }: { count: number }) {
  return (
    <span
      className="inline-flex min-w-5 items-center justify-center rounded-full bg-primary px-1.5 text-xs font-semibold text-primary-foreground"
      data-testid="pending-badge"
    >
      {count}
      <span className="sr-only"> pending</span>
    </span>
  );
}
