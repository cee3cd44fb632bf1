import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, type ReactNode } from 'react';
import { createBrowserRouter, Navigate, RouterProvider, useLocation } from 'react-router';
import { Toaster } from 'sonner';
import { ApiError } from './api/client.ts';
import { useSession } from './api/session.ts';
import { Layout } from './components/layout.tsx';
import { Loading } from './components/ui/states.tsx';
import { ActivityPage } from './pages/activity/activity-page.tsx';
import { AuditPage } from './pages/audit/audit-page.tsx';
import { UsersPage } from './pages/users/users-page.tsx';
import { HomePage } from './pages/home/home-page.tsx';
import { RequestPage } from './pages/request/request-page.tsx';
import { RequestsPage } from './pages/requests/requests-page.tsx';
import { RewardsAdminPage } from './pages/rewards/admin-page.tsx';
import { CoinsPage } from './pages/rewards/coins-page.tsx';
import { ShopAdminPage } from './pages/commerce/admin-page.tsx';
import { CartPage } from './pages/commerce/cart-page.tsx';
import { OrderPage, OrdersPage } from './pages/commerce/orders-page.tsx';
import { ProductPage, ShopPage } from './pages/commerce/shop-page.tsx';
import { FeedPage } from './pages/rewards/feed-page.tsx';
import { SendPage } from './pages/send/send-page.tsx';
import { MailboxPage } from './pages/security/mailbox-page.tsx';
import { ForgotPasswordPage } from './pages/sign-in/forgot-password-page.tsx';
import { SignInPage } from './pages/sign-in/sign-in-page.tsx';
import { SignUpPage } from './pages/sign-up/sign-up-page.tsx';
import { VerifyEmailPage } from './pages/sign-up/verify-email-page.tsx';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        // Client errors (403, 404 …) will not change on retry; network and 5xx errors may.
        retry: (count, error) => count < 2 && !(error instanceof ApiError && error.status < 500),
      },
    },
  });
}

/** The developer section is its own chunk: wallet users never download it. */
const DevelopersSection = lazy(() => import('./pages/developers/developers-section.tsx'));
/** So is the security page, with its QR-code drawing. */
const SecurityPage = lazy(() =>
  import('./pages/security/security-page.tsx').then((page) => ({ default: page.SecurityPage })),
);

function RequireSession({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (!session)
    return <Navigate to="/signin" replace state={{ from: location.pathname + location.search }} />;
  return children;
}

function GuestOnly({ children }: { children: ReactNode }) {
  return useSession() ? <Navigate to="/" replace /> : children;
}

const router = createBrowserRouter([
  {
    path: '/signin',
    element: (
      <GuestOnly>
        <SignInPage />
      </GuestOnly>
    ),
  },
  {
    path: '/signup',
    element: (
      <GuestOnly>
        <SignUpPage />
      </GuestOnly>
    ),
  },
  {
    path: '/forgot-password',
    element: (
      <GuestOnly>
        <ForgotPasswordPage />
      </GuestOnly>
    ),
  },
  {
    path: '/verify-email',
    element: (
      <RequireSession>
        <VerifyEmailPage />
      </RequireSession>
    ),
  },
  {
    element: (
      <RequireSession>
        <Layout />
      </RequireSession>
    ),
    children: [
      { index: true, element: <HomePage /> },
      { path: 'send', element: <SendPage /> },
      { path: 'request', element: <RequestPage /> },
      { path: 'requests', element: <RequestsPage /> },
      { path: 'activity', element: <ActivityPage /> },
      { path: 'feed', element: <FeedPage /> },
      { path: 'coins', element: <CoinsPage /> },
      { path: 'shop', element: <ShopPage /> },
      { path: 'shop/products/:id', element: <ProductPage /> },
      { path: 'shop/cart', element: <CartPage /> },
      { path: 'shop/orders', element: <OrdersPage /> },
      { path: 'shop/orders/:id', element: <OrderPage /> },
      { path: 'admin/shop', element: <ShopAdminPage /> },
      { path: 'admin/rewards', element: <RewardsAdminPage /> },
      { path: 'admin/audit', element: <AuditPage /> },
      { path: 'admin/users', element: <UsersPage /> },
      { path: 'admin/mailbox', element: <MailboxPage /> },
      {
        path: 'security',
        element: (
          <Suspense fallback={<Loading label="Loading security settings…" />}>
            <SecurityPage />
          </Suspense>
        ),
      },
      {
        path: 'developers/*',
        element: (
          <Suspense fallback={<Loading label="Loading developer tools…" />}>
            <DevelopersSection />
          </Suspense>
        ),
      },
      { path: '*', element: <Navigate to="/" replace /> },
    ],
  },
]);

export function App({ queryClient }: { queryClient: QueryClient }) {
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
      {/* Bottom-right on desktop (full width at the bottom on a phone): never over the header and navigation. */}
      <Toaster position="bottom-right" richColors closeButton />
    </QueryClientProvider>
  );
}
