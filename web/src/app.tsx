import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, type ComponentType, type ReactNode } from 'react';
import { createBrowserRouter, Navigate, Outlet, RouterProvider, useLocation } from 'react-router';
import { Toaster } from 'sonner';
import { ApiError } from './api/client.ts';
import { useSession } from './api/session.ts';
import { Layout } from './components/layout.tsx';
import { usePageTitle } from './components/page-title.ts';
import { Loading, NotFound } from './components/ui/states.tsx';
import { HomePage } from './pages/home/home-page.tsx';
import { SignInPage } from './pages/sign-in/sign-in-page.tsx';
import { SignUpPage } from './pages/sign-up/sign-up-page.tsx';

/**
 * A page in its own chunk, fetched when first opened: the first load carries the shell, sign-in
 * and Home only (Layout's Suspense shows a spinner meanwhile).
 */
function lazyPage<M>(load: () => Promise<M>, pick: (module: M) => ComponentType) {
  return lazy(() => load().then((module) => ({ default: pick(module) })));
}

const SendPage = lazyPage(
  () => import('./pages/send/send-page.tsx'),
  (m) => m.SendPage,
);
const RequestPage = lazyPage(
  () => import('./pages/request/request-page.tsx'),
  (m) => m.RequestPage,
);
const RequestsPage = lazyPage(
  () => import('./pages/requests/requests-page.tsx'),
  (m) => m.RequestsPage,
);
const ActivityPage = lazyPage(
  () => import('./pages/activity/activity-page.tsx'),
  (m) => m.ActivityPage,
);
const FeedPage = lazyPage(
  () => import('./pages/rewards/feed-page.tsx'),
  (m) => m.FeedPage,
);
const CoinsPage = lazyPage(
  () => import('./pages/rewards/coins-page.tsx'),
  (m) => m.CoinsPage,
);
const RewardsAdminPage = lazyPage(
  () => import('./pages/rewards/admin-page.tsx'),
  (m) => m.RewardsAdminPage,
);
const ShopPage = lazyPage(
  () => import('./pages/commerce/shop-page.tsx'),
  (m) => m.ShopPage,
);
const ProductPage = lazyPage(
  () => import('./pages/commerce/shop-page.tsx'),
  (m) => m.ProductPage,
);
const CartPage = lazyPage(
  () => import('./pages/commerce/cart-page.tsx'),
  (m) => m.CartPage,
);
const OrdersPage = lazyPage(
  () => import('./pages/commerce/orders-page.tsx'),
  (m) => m.OrdersPage,
);
const OrderPage = lazyPage(
  () => import('./pages/commerce/orders-page.tsx'),
  (m) => m.OrderPage,
);
const ShopAdminPage = lazyPage(
  () => import('./pages/commerce/admin-page.tsx'),
  (m) => m.ShopAdminPage,
);
const AuditPage = lazyPage(
  () => import('./pages/audit/audit-page.tsx'),
  (m) => m.AuditPage,
);
const UsersPage = lazyPage(
  () => import('./pages/users/users-page.tsx'),
  (m) => m.UsersPage,
);
const MailboxPage = lazyPage(
  () => import('./pages/security/mailbox-page.tsx'),
  (m) => m.MailboxPage,
);
const ForgotPasswordPage = lazyPage(
  () => import('./pages/sign-in/forgot-password-page.tsx'),
  (m) => m.ForgotPasswordPage,
);
const VerifyEmailPage = lazyPage(
  () => import('./pages/sign-up/verify-email-page.tsx'),
  (m) => m.VerifyEmailPage,
);

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
const SecurityPage = lazyPage(
  () => import('./pages/security/security-page.tsx'),
  (m) => m.SecurityPage,
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

/** The root of every route: keeps the tab title in step with the page. */
function Root() {
  usePageTitle();
  return <Outlet />;
}

/** What an unknown address shows: a way back instead of a silent redirect. */
function UnknownPage() {
  return <NotFound>There is no page at this address. It may have moved, or the link is mistyped.</NotFound>;
}

const router = createBrowserRouter([
  {
    element: <Root />,
    children: [
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
            <Suspense fallback={<Loading />}>
              <ForgotPasswordPage />
            </Suspense>
          </GuestOnly>
        ),
      },
      {
        path: '/verify-email',
        element: (
          <RequireSession>
            <Suspense fallback={<Loading />}>
              <VerifyEmailPage />
            </Suspense>
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
          { path: '*', element: <UnknownPage /> },
        ],
      },
    ],
  },
]);

export function App({ queryClient }: { queryClient: QueryClient }) {
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
      {/* Top right, under the header: never over a list's Next button or a form's submit at the bottom. */}
      <Toaster position="top-right" offset={{ top: 64 }} mobileOffset={{ top: 56 }} richColors closeButton />
    </QueryClientProvider>
  );
}
