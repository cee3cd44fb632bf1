import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { Loading } from '../../components/ui/states.tsx';
import { ApiKeysPage } from './api-keys/api-keys-page.tsx';
import { DisputePage } from './dispute/dispute-page.tsx';
import { DisputesPage } from './disputes/disputes-page.tsx';
import { EventPage } from './events/event-page.tsx';
import { EventsPage } from './events/events-page.tsx';
import { MerchantShell } from './merchant-shell.tsx';
import { MerchantsPage } from './merchants/merchants-page.tsx';
import { OverviewPage } from './overview/overview-page.tsx';
import { PaymentPage } from './payment/payment-page.tsx';
import { PaymentsPage } from './payments/payments-page.tsx';
import { BalancePage } from './balance/balance-page.tsx';
import { SettlementPage } from './settlement/settlement-page.tsx';
import { SettlementsPage } from './settlements/settlements-page.tsx';
import { TestPaymentPage } from './test-payment/test-payment-page.tsx';
import { WebhookEndpointPage } from './webhook-endpoint/webhook-endpoint-page.tsx';
import { WebhooksPage } from './webhooks/webhooks-page.tsx';

/** The charts pull in Recharts; only someone opening Metrics downloads it. */
const MetricsPage = lazy(() => import('./metrics/metrics-page.tsx'));
/** The processing hub's pages load only when opened. */
const HubSection = lazy(() => import('../hub/hub-section.tsx'));
/** The team, approval inbox and payouts load only when opened. */
const ApprovalsSection = lazy(() => import('../approvals/approvals-section.tsx'));
/** Recurring billing's pages load only when opened. */
const BillingSection = lazy(() => import('../billing/billing-section.tsx'));

/**
 * The developer section (`/developers/*`), loaded lazily: the merchant picker, then everything
 * about one merchant under `/developers/:merchantId/…`, so the selection lives in the URL.
 */
export default function DevelopersSection() {
  return (
    <Routes>
      <Route index element={<MerchantsPage />} />
      <Route path=":merchantId" element={<MerchantShell />}>
        <Route index element={<OverviewPage />} />
        <Route path="keys" element={<ApiKeysPage />} />
        <Route path="payments" element={<PaymentsPage />} />
        <Route path="test-payment" element={<TestPaymentPage />} />
        <Route path="payments/:paymentId" element={<PaymentPage />} />
        <Route path="webhooks" element={<WebhooksPage />} />
        <Route path="webhooks/:endpointId" element={<WebhookEndpointPage />} />
        <Route path="events" element={<EventsPage />} />
        <Route path="events/:eventId" element={<EventPage />} />
        <Route path="balance" element={<BalancePage />} />
        <Route path="settlements" element={<SettlementsPage />} />
        <Route path="settlements/:settlementId" element={<SettlementPage />} />
        <Route path="disputes" element={<DisputesPage />} />
        <Route path="disputes/:disputeId" element={<DisputePage />} />
        <Route
          path="metrics"
          element={
            <Suspense fallback={<Loading label="Loading charts…" />}>
              <MetricsPage />
            </Suspense>
          }
        />
        <Route
          path="hub/*"
          element={
            <Suspense fallback={<Loading label="Loading the hub…" />}>
              <HubSection />
            </Suspense>
          }
        />
        <Route
          path="billing/*"
          element={
            <Suspense fallback={<Loading label="Loading billing…" />}>
              <BillingSection />
            </Suspense>
          }
        />
        <Route
          path="approvals/*"
          element={
            <Suspense fallback={<Loading label="Loading approvals…" />}>
              <ApprovalsSection />
            </Suspense>
          }
        />
        <Route path="*" element={<Navigate to="." replace />} />
      </Route>
    </Routes>
  );
}
