import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter, Route as RouterRoute, Routes } from 'react-router';
import { vi } from 'vitest';
import type { ErrorCode } from '../../server/src/kernel/errors.ts';
import type { approvalsErrors } from '../../server/src/approvals/errors.ts';
import type { Approval } from '../../server/src/approvals/model.ts';
import type { Invoice, Subscription } from '../../server/src/billing/billing-model.ts';
import type { hubErrors } from '../../server/src/hub/errors.ts';
import type { Attempt, BreakerEventConnector, Intent } from '../../server/src/hub/intent-model.ts';
import type { SplitGroupEventObject, Vendor, VendorPayout } from '../../server/src/hub/vendor-event-model.ts';
import type { identityErrors } from '../../server/src/identity/errors.ts';
import type { paymentsErrors } from '../../server/src/payments/errors.ts';
import type { PaymentEventData, PaymentEventType } from '../../server/src/payments/model.ts';
import type { Payout } from '../../server/src/payouts/payout-model.ts';
import type { rewardsErrors } from '../../server/src/rewards/errors.ts';
import type { webhooksErrors } from '../../server/src/webhooks/errors.ts';
import type { components, paths } from './api/schema.gen.ts';
import { setSession, type User } from './api/session.ts';
import type { KnownEvent } from './api/webhooks.ts';

export const testUser: User = { id: 'usr_alice', email: 'alice@example.com', name: 'Alice', groups: [] };

/** Signs the test user in with a token valid for 15 minutes. */
export function signInTestUser(accessToken = 'access-1', refreshToken = 'refresh-1'): void {
  setSession({ accessToken, refreshToken, expiresAt: Date.now() + 900_000, user: testUser });
}

declare const typedRoute: unique symbol;

/** A canned route; only `apiRoute` makes one, so every fixture is checked against the API's types. */
export interface Route {
  method: string;
  path: string | RegExp;
  respond: (request: { body: unknown; headers: Headers; url: string }) => { status: number; body?: unknown };
  readonly [typedRoute]: true;
}

/** The API's schemas, as the OpenAPI document names them (`web/src/api/schema.gen.ts`). */
export type Schemas = components['schemas'];

/**
 * Every error code the server can send: the kernel's and the modules' own (`defineErrors`), read
 * from the server's registries (type-only), so a fixture with a code the server never sends (a
 * renamed one, say) fails to compile.
 */
export type ApiErrorCode =
  | ErrorCode
  | keyof (typeof approvalsErrors)['table']
  | keyof (typeof hubErrors)['table']
  | keyof (typeof identityErrors)['table']
  | keyof (typeof paymentsErrors)['table']
  | keyof (typeof rewardsErrors)['table']
  | keyof (typeof webhooksErrors)['table'];

/** The error envelope with its code narrowed to the codes the server has. */
export type ApiError = { error: Omit<Schemas['Error']['error'], 'code'> & { code: ApiErrorCode } };

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type Responses<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { responses: infer R } ? R : never;
type JsonBody<R> = R extends { content: { 'application/json': infer B } } ? B : undefined;
type Narrowed<B> = B extends Schemas['Error'] ? ApiError : B;

/**
 * An answer the OpenAPI document allows for `method path`: one of its documented statuses with
 * that status's body type (errors with a real error code), or a 500/503 error.
 */
export type ApiAnswer<P extends keyof paths, M extends Method> =
  | {
      [S in keyof Responses<P, M> & number]: { status: S; body: Narrowed<JsonBody<Responses<P, M>[S]>> };
    }[keyof Responses<P, M> & number]
  // Any route may fail this way (`internal_error`, `service_unavailable`), documented or not.
  | { status: 500 | 503; body: ApiError };

/**
 * A canned route typed by the API's schemas: `path` is the document's template
 * (`/v1/payments/{id}`; its parameters match any one segment) and the answer must be a status
 * the operation documents with a body of that status's schema, so a renamed field, status or
 * error code breaks the test at compile time instead of letting the fixture drift from the API.
 * Two calls, so that the operation is fixed before the answer is checked against it.
 *
 * @example apiRoute('get', '/v1/wallet')(() => ({ status: 200, body: { balances: [] } }))
 */
export function apiRoute<P extends keyof paths, M extends Method>(method: M, path: P) {
  const template = String(path);
  const pattern = template.includes('{')
    ? new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`)
    : template;
  return (respond: (request: { body: unknown; headers: Headers; url: string }) => ApiAnswer<P, M>): Route =>
    ({ method: method.toUpperCase(), path: pattern, respond }) as Omit<Route, typeof typedRoute> as Route;
}

/** A value of one of the API's schemas, checked against it: `fixture<'Payment'>({ … })`. */
export function fixture<K extends keyof Schemas>(value: Schemas[K]): Schemas[K] {
  return value;
}

/** A payment as `GET /v1/payments/{id}` answers it: an authorized $12.50 by default. */
export function paymentFixture(overrides: Partial<Schemas['Payment']> = {}): Schemas['Payment'] {
  return {
    id: 'pay_1',
    object: 'payment',
    merchant: 'mer_1',
    status: 'requires_capture',
    amount: 1250,
    amount_capturable: 1250,
    amount_captured: 0,
    amount_refunded: 0,
    currency: 'USD',
    card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2034, fingerprint: 'fp' },
    capture_before: null,
    review: false,
    description: null,
    metadata: {},
    failure_code: null,
    decline_code: null,
    failure_message: null,
    canceled_at: null,
    cancellation_reason: null,
    settlement: null,
    dispute: null,
    dispute_status: null,
    display_status: 'requires_capture',
    capturable: true,
    refundable_amount: 0,
    available_actions: ['capture', 'void'],
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    ...overrides,
  };
}

/** A payout to the owner's wallet as `GET /v1/payouts/{id}` answers it (and its events carry it): $10.00, paid. */
export function payoutFixture(overrides: Partial<Payout> = {}): Payout {
  return {
    id: 'po_1',
    object: 'payout',
    merchant: 'mer_1',
    amount: 1000,
    currency: 'USD',
    destination: 'wallet',
    bank_account: null,
    description: null,
    status: 'paid',
    arrival_date: null,
    return_code: null,
    approval: null,
    transfer: 'tr_9',
    created_at: '2026-01-15T12:10:00.000Z',
    ...overrides,
  };
}

/** A payment attempt of the hub's, as its intents and `payment_intent.attempt_failed` carry it. */
export function attemptFixture(overrides: Partial<Attempt> = {}): Attempt {
  return {
    id: 'pi_1:1',
    connector: 'mca_1',
    provider: 'sandbox_card',
    status: 'captured',
    error_code: null,
    decline_code: null,
    provider_reference: 'pay_1',
    started_at: '2026-01-15T12:00:00.000Z',
    finished_at: '2026-01-15T12:00:01.000Z',
    ...overrides,
  };
}

/** A hub payment intent as the server's `Intent` (every field), as its events carry it. */
export function intentFixture(overrides: Partial<Intent> = {}): Intent {
  return {
    id: 'pi_1',
    object: 'payment_intent',
    merchant: 'mer_1',
    amount: 1000,
    currency: 'USD',
    capture: true,
    status: 'succeeded',
    payment_method: {
      type: 'card',
      card: { brand: 'visa', last4: '4242' },
      wallet: null,
      bank_account: null,
    },
    routed_to: ['sandbox_card'],
    connector: 'mca_1',
    provider: 'sandbox_card',
    provider_reference: 'pay_1',
    amount_captured: 1000,
    amount_refunded: 0,
    last_error: null,
    attempts: [attemptFixture()],
    refunds: [],
    dispute: null,
    splits: [],
    description: null,
    created_at: '2026-01-15T12:00:00.000Z',
    updated_at: '2026-01-15T12:00:01.000Z',
    ...overrides,
  };
}

/** The connector a hub circuit breaker event names (`connector.circuit_opened` / `_closed`). */
export function breakerConnectorFixture(
  overrides: Partial<BreakerEventConnector> = {},
): BreakerEventConnector {
  return { id: 'mca_1', provider: 'sandbox_card', name: 'Sandbox card', ...overrides };
}

/** A hub vendor as the server's `Vendor` (every field), as `vendor.created` carries it. */
export function vendorFixture(overrides: Partial<Vendor> = {}): Vendor {
  return {
    id: 'ven_1',
    object: 'vendor',
    merchant: 'mer_1',
    name: 'Blue Bottle Roasters',
    email: null,
    currency: 'USD',
    balances: [{ currency: 'USD', pending: 0, available: 0 }],
    created_at: '2026-01-15T12:00:00.000Z',
    ...overrides,
  };
}

/**
 * A payment intent's split group as the `vendor.split_*` events carry it (every field, `id` its
 * intent's): $10.00, $7.00 of it to `ven_1`, transferred.
 */
export function splitGroupFixture(overrides: Partial<SplitGroupEventObject> = {}): SplitGroupEventObject {
  return {
    id: 'pi_1',
    object: 'split_group',
    payment_intent: 'pi_1',
    merchant: 'mer_1',
    currency: 'USD',
    status: 'transferred',
    lines: [{ vendor: 'ven_1', amount: 700, reversed: 0, shortfall: 0 }],
    platform_fee: 300,
    platform_refunded: 0,
    transferred_at: '2026-01-15T12:00:01.000Z',
    settled_at: null,
    created_at: '2026-01-15T12:00:00.000Z',
    ...overrides,
  };
}

/** A vendor payout to a wallet as the server's `VendorPayout` (every field), as `vendor.payout.paid` carries it: $5.00. */
export function vendorPayoutFixture(overrides: Partial<VendorPayout> = {}): VendorPayout {
  return {
    id: 'vpo_1',
    object: 'vendor_payout',
    vendor: 'ven_1',
    merchant: 'mer_1',
    amount: 500,
    currency: 'USD',
    status: 'paid',
    destination: { type: 'wallet', wallet: { user: 'usr_bob' }, bank_account: null },
    created_at: '2026-01-15T12:00:00.000Z',
    ...overrides,
  };
}

/** An approval request as the server's `Approval` (every field), as its events carry it: a $900.00 payout, pending. */
export function approvalFixture(overrides: Partial<Approval> = {}): Approval {
  const requestedBy = {
    user: 'usr_alice',
    email: 'alice@example.com',
    api_key: null,
    role: 'admin',
  } as const;
  return {
    id: 'apr_1',
    object: 'approval_request',
    merchant: 'mer_1',
    action: 'payout',
    status: 'pending',
    amount: 90_000,
    currency: 'USD',
    params: { amount: 90_000, currency: 'USD', destination: 'wallet', executor: 'payout' },
    summary: 'Payout of 900.00 USD to wallet',
    approvals_required: 2,
    approvals: 0,
    requested_by: requestedBy,
    result: null,
    expires_at: '2026-01-18T12:00:00.000Z',
    created_at: '2026-01-15T12:00:00.000Z',
    steps: [{ type: 'requested', actor: requestedBy, at: '2026-01-15T12:00:00.000Z', note: null }],
    ...overrides,
  };
}

/** A billing subscription as the server's `Subscription` (every field), as its events carry it. */
export function subscriptionFixture(overrides: Partial<Subscription> = {}): Subscription {
  return {
    id: 'sub_1',
    object: 'subscription',
    customer: 'cus_1',
    plan: 'plan_1',
    payment_method: 'pm_1',
    status: 'active',
    currency: 'USD',
    current_period_start: '2026-01-15T12:00:00.000Z',
    current_period_end: '2026-02-15T12:00:00.000Z',
    trial_end: null,
    cancel_at_period_end: false,
    canceled_at: null,
    ended_at: null,
    on_retries_exhausted: 'cancel',
    latest_invoice: 'in_1',
    next_action_at: '2026-02-15T12:00:00.000Z',
    status_history: [{ status: 'active', at: '2026-01-15T12:00:00.000Z', reason: 'created' }],
    metadata: {},
    created_at: '2026-01-15T12:00:00.000Z',
    ...overrides,
  };
}

/** A billing invoice as the server's `Invoice` (every field), as its events carry it. */
export function invoiceFixture(overrides: Partial<Invoice> = {}): Invoice {
  return {
    id: 'in_1',
    object: 'invoice',
    customer: 'cus_1',
    subscription: 'sub_1',
    status: 'paid',
    billing_reason: 'subscription_create',
    currency: 'USD',
    lines: [
      {
        description: 'Pro plan',
        amount: 1500,
        plan: 'plan_1',
        proration: false,
        period: { start: '2026-01-15T12:00:00.000Z', end: '2026-02-15T12:00:00.000Z' },
      },
    ],
    subtotal: 1500,
    credit_applied: 0,
    amount_due: 1500,
    amount_paid: 1500,
    period_start: '2026-01-15T12:00:00.000Z',
    period_end: '2026-02-15T12:00:00.000Z',
    attempt_count: 1,
    attempts: [
      {
        attempt: 1,
        at: '2026-01-15T12:00:00.000Z',
        payment_intent: 'pi_1',
        status: 'succeeded',
        error_code: null,
        decline_code: null,
      },
    ],
    next_payment_attempt: null,
    created_at: '2026-01-15T12:00:00.000Z',
    finalized_at: '2026-01-15T12:00:00.000Z',
    paid_at: '2026-01-15T12:00:00.000Z',
    ...overrides,
  };
}

/**
 * An event as `GET /v1/events` lists it, of a type the dashboard knows: its data typed by the
 * server's event-data maps (the schema leaves `data` open), so a renamed event type or field breaks
 * the fixture.
 *
 * @example eventFixture('payout.paid', { object: payoutFixture() })
 */
export function eventFixture<T extends KnownEvent['type']>(
  type: T,
  data: Extract<KnownEvent, { type: T }>['data'],
  id = `evt_${type}`,
): Schemas['Event'] {
  return { id, object: 'event', type, created: 1_764_547_200, livemode: false, data: { ...data } };
}

/**
 * A sandbox event as `GET /v1/events` lists it: its type and `data.object` typed by the server's
 * `PaymentEventData` (the schema leaves `data` open), so a renamed event type or field of its
 * object breaks the fixture.
 *
 * @example paymentEventFixture('payment.captured', paymentFixture({ status: 'succeeded' }))
 */
export function paymentEventFixture<K extends PaymentEventType>(
  type: K,
  object: PaymentEventData[K]['object'],
  id = `evt_${type}`,
): Schemas['Event'] {
  return { id, object: 'event', type, created: 1_764_547_200, livemode: false, data: { object } };
}

/** The error envelope the server sends, with a code it has. */
export function apiError(
  code: ApiErrorCode,
  message: string,
  options: { type?: string; param?: string } = {},
): ApiError {
  return {
    error: {
      type: options.type ?? 'invalid_request_error',
      code,
      message,
      ...(options.param ? { param: options.param } : {}),
    },
  };
}

/**
 * Replaces `fetch` with a router over canned answers and records every call: the boundary the
 * dashboard talks to the API through.
 */
export function mockFetch(routes: Route[]) {
  const calls: Array<{ method: string; url: string; headers: Headers; body: unknown }> = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const method = init?.method ?? 'GET';
    const headers = new Headers(init?.headers);
    const body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    calls.push({ method, url, headers, body });
    const path = url.split('?')[0]!;
    const route = routes.find(
      (r) => r.method === method && (typeof r.path === 'string' ? r.path === path : r.path.test(path)),
    );
    if (!route)
      return new Response(
        JSON.stringify({
          error: {
            type: 'invalid_request_error',
            code: 'not_found',
            message: `no mock for ${method} ${url}`,
          },
        }),
        { status: 404 },
      );
    const answer = route.respond({ body, headers, url });
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'content-type': 'application/json' },
    });
  });
  vi.stubGlobal('fetch', fetchMock);
  return { calls, fetchMock };
}

export function withQueryClient() {
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
  );
  return { queryClient, wrapper };
}

/**
 * Renders the app's routes `routes` (path pattern → element) at `url`, inside a fresh query
 * client: a page as the router would show it.
 *
 * @example renderAt('/developers/mer_1/events', { '/developers/:merchantId/events': <EventsPage /> });
 */
export function renderAt(url: string, routes: Record<string, ReactNode>) {
  const { queryClient, wrapper: Wrapper } = withQueryClient();
  render(
    <Wrapper>
      <MemoryRouter initialEntries={[url]}>
        <Routes>
          {Object.entries(routes).map(([path, element]) => (
            <RouterRoute key={path} path={path} element={element} />
          ))}
        </Routes>
      </MemoryRouter>
    </Wrapper>,
  );
  return { queryClient };
}
