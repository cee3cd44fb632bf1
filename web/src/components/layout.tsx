import { NavLink, Outlet, useNavigate } from 'react-router';
import { useSignOut } from '../api/auth.ts';
import { useRealtime } from '../api/realtime.ts';
import { useSession } from '../api/session.ts';
import { cn } from '../lib/cn.ts';
import { Button } from './ui/button.tsx';

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

/** The signed-in shell: navigation, sign out, and the live connection. */
export function Layout() {
  const session = useSession();
  const signOut = useSignOut();
  const navigate = useNavigate();
  useRealtime();
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
        <div className="mx-auto flex max-w-4xl flex-wrap items-center justify-between gap-x-4 gap-y-2 px-4 py-3">
          <span className="text-lg font-semibold text-primary">Sluice</span>
          <div className="flex items-center gap-3">
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
          </div>
          {/* Wraps rather than scrolls: at phone width a scrolled-off link looks like no link at all. */}
          <nav aria-label="Main" className="-mx-1 flex w-full flex-wrap gap-1">
            {nav.map((link) => (
              <NavLink
                key={link.to}
                to={link.to}
                end={link.to === '/'}
                className={({ isActive }) =>
                  cn(
                    'shrink-0 rounded-md px-3 py-1.5 text-sm font-medium focus-visible:outline-2 focus-visible:outline-ring',
                    isActive
                      ? 'bg-secondary text-secondary-foreground'
                      : 'text-muted-foreground hover:bg-muted',
                  )
                }
              >
                {link.label}
              </NavLink>
            ))}
          </nav>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-4xl px-4 py-6">
        <Outlet />
      </main>
    </div>
  );
}
