import { useEffect } from 'react';
import { useLocation } from 'react-router';

const pages: Record<string, string> = {
  '/': 'Home',
  '/signin': 'Sign in',
  '/signup': 'Sign up',
  '/forgot-password': 'Reset password',
  '/verify-email': 'Verify your email',
  '/send': 'Send money',
  '/request': 'Request money',
  '/requests': 'Requests',
  '/activity': 'Activity',
  '/feed': 'Feed',
  '/coins': 'Coins',
  '/shop': 'Shop',
  '/shop/cart': 'Cart',
  '/shop/orders': 'Orders',
  '/security': 'Security',
  '/admin/audit': 'Audit',
  '/admin/users': 'Users',
  '/admin/mailbox': 'Mailbox',
  '/admin/rewards': 'Rewards admin',
  '/admin/shop': 'Shop admin',
  '/developers': 'Developers',
};

/** A developer section's name, by its path segment (`/developers/:merchant/<segment>/…`). */
const sections: Record<string, [list: string, one: string]> = {
  keys: ['API keys', 'API key'],
  payments: ['Payments', 'Payment'],
  'test-payment': ['Test payment', 'Test payment'],
  webhooks: ['Webhooks', 'Webhook endpoint'],
  events: ['Events', 'Event'],
  settlements: ['Settlements', 'Settlement'],
  disputes: ['Disputes', 'Dispute'],
  balance: ['Balance', 'Balance'],
  metrics: ['Metrics', 'Metrics'],
  hub: ['Hub', 'Hub'],
  billing: ['Billing', 'Invoice'],
  approvals: ['Approvals', 'Approval'],
  vendors: ['Vendors', 'Vendor'],
  team: ['Team', 'Team'],
};

/**
 * The tab title for a path: the page, and for an object its id, so tabs and history tell pages
 * apart (`Payment pay_123 · Developers · Sluice`).
 */
export function pageTitle(pathname: string): string {
  const path = pathname.replace(/\/+$/, '') || '/';
  const known = pages[path];
  if (known) return `${known} · Sluice`;
  const developer = /^\/developers\/([^/]+)(?:\/([^/]+)(?:\/([^/]+))?)?/.exec(path);
  if (developer) {
    const [, , segment, id] = developer;
    if (!segment) return 'Overview · Developers · Sluice';
    const [list, one] = sections[segment] ?? [segment, segment];
    return `${id ? `${one} ${decodeURIComponent(id)}` : list} · Developers · Sluice`;
  }
  if (path.startsWith('/shop/products/')) return 'Product · Shop · Sluice';
  if (path.startsWith('/shop/orders/'))
    return `Order ${decodeURIComponent(path.split('/')[3] ?? '')} · Sluice`;
  return 'Page not found · Sluice';
}

/** Keeps `document.title` in step with the route. */
export function usePageTitle(): void {
  const { pathname } = useLocation();
  useEffect(() => {
    document.title = pageTitle(pathname);
  }, [pathname]);
}
