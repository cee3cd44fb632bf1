import { createRoute, z, type RouteConfig } from '@hono/zod-openapi';
import { bearerSecurity, createRouter, errorResponses, jsonBody, jsonResponse } from '../http/openapi.ts';
import { merchantHeadersSchema, objectRoutes, pageBody, pageRequest } from '../http/object-routes.ts';
import { listSchema } from '../http/schemas.ts';
import type { WriteOperation } from '../platform/store.ts';
import {
  addPaymentMethod,
  createCustomer,
  createPlan,
  getCustomer,
  getPlan,
  getSettings,
  listPaymentMethods,
  setSettings,
  setTestBehaviour,
} from './catalog.ts';
import { getTestClock, startClockAdvance } from './clock.ts';
import { merchantContext, type BillingDeps } from './deps.ts';
import { getInvoiceRecord, invoicePdf, invoicesOfSubscription, payInvoice } from './invoices.ts';
import {
  advanceBillingClockSchema,
  billingSettingsSchema,
  cancelSubscriptionSchema,
  createCustomerSchema,
  createPaymentMethodSchema,
  createPlanSchema,
  createSubscriptionSchema,
  customerSchema,
  invoicePdfSchema,
  invoiceSchema,
  paymentMethodSchema,
  planSchema,
  subscriptionSchema,
  testClockSchema,
  updateBillingSettingsSchema,
  updatePaymentMethodSchema,
  updateSubscriptionSchema,
} from './model.ts';
import {
  merchantCustomersPage,
  merchantInvoicesPage,
  merchantPlansPage,
  merchantSubscriptionsPage,
  toCustomer,
  toInvoice,
  toPaymentMethod,
  toPlan,
  toSubscription,
  type RecordPage,
} from './store.ts';
import {
  cancelSubscription,
  createSubscription,
  getSubscriptionRecord,
  updateSubscription,
} from './subscriptions.ts';

const tags = ['Billing'];
const pathParam = (name: string) =>
  z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name, in: 'path' } });
const idParam = z.object({ id: pathParam('id') });
const methodParams = z.object({ id: pathParam('id'), method: pathParam('method') });
const merchantHeaders = merchantHeadersSchema;
const mutatingHeaders = merchantHeaders.extend({ 'idempotency-key': z.string().max(255).optional() });

/** A billing route: merchant auth (an API key, or a user token with `Sluice-Merchant`). */
function route<const C extends Omit<RouteConfig, 'tags' | 'security'>>(config: C) {
  return createRoute({ tags, security: bearerSecurity, ...config });
}

const { listRoute, getRoute } = objectRoutes({ tags, headers: merchantHeaders, idParam });

const routes = {
  createPlan: route({
    method: 'post',
    path: '/v1/plans',
    summary: 'Create a plan: a price per interval (day, week, month or year), with an optional trial',
    request: { headers: mutatingHeaders, body: jsonBody(createPlanSchema) },
    responses: {
      201: jsonResponse(
        planSchema,
        'Create a plan: a price per interval (day, week, month or year), with an optional trial',
      ),
      ...errorResponses(400, 401, 422, 429),
    },
  }),
  listPlans: listRoute('/v1/plans', planSchema, { summary: 'Your plans, newest first' }),
  getPlan: getRoute('/v1/plans/{id}', planSchema, { summary: 'One plan' }),
  createCustomer: route({
    method: 'post',
    path: '/v1/customers',
    summary: 'Create a customer to subscribe',
    request: { headers: mutatingHeaders, body: jsonBody(createCustomerSchema) },
    responses: {
      201: jsonResponse(customerSchema, 'Create a customer to subscribe'),
      ...errorResponses(400, 401, 422, 429),
    },
  }),
  listCustomers: listRoute('/v1/customers', customerSchema, { summary: 'Your customers, newest first' }),
  getCustomer: getRoute('/v1/customers/{id}', customerSchema, {
    summary: 'One customer, with its credit balance',
  }),
  addPaymentMethod: route({
    method: 'post',
    path: '/v1/customers/{id}/payment-methods',
    summary:
      'Save a payment method: a card (kept as its brand, last four and sandbox behaviour, never its number), a wallet, or an ACH debit mandate',
    request: { headers: mutatingHeaders, params: idParam, body: jsonBody(createPaymentMethodSchema) },
    responses: {
      201: jsonResponse(
        paymentMethodSchema,
        'Save a payment method: a card (kept as its brand, last four and sandbox behaviour, never its number), a wallet, or an ACH debit mandate',
      ),
      ...errorResponses(400, 401, 404, 422, 429),
    },
  }),
  listPaymentMethods: route({
    method: 'get',
    path: '/v1/customers/{id}/payment-methods',
    summary: "A customer's saved payment methods",
    request: { headers: merchantHeaders, params: idParam },
    responses: {
      200: jsonResponse(listSchema(paymentMethodSchema), "A customer's saved payment methods"),
      ...errorResponses(401, 404, 429),
    },
  }),
  updatePaymentMethod: route({
    method: 'patch',
    path: '/v1/customers/{id}/payment-methods/{method}',
    summary:
      'Sandbox: change how a saved card answers charges from now on (e.g. `insufficient_funds`, then `success`)',
    request: { headers: mutatingHeaders, params: methodParams, body: jsonBody(updatePaymentMethodSchema) },
    responses: {
      200: jsonResponse(
        paymentMethodSchema,
        'Sandbox: change how a saved card answers charges from now on (e.g. `insufficient_funds`, then `success`)',
      ),
      ...errorResponses(400, 401, 404, 429),
    },
  }),
  createSubscription: route({
    method: 'post',
    path: '/v1/subscriptions',
    summary:
      'Subscribe a customer to a plan: the first invoice is charged now through your routing (or after the trial)',
    description:
      'A declined first charge still creates the subscription: it is `past_due` and retried on the published schedule (after 1, 3, 5 and 7 days).',
    request: { headers: mutatingHeaders, body: jsonBody(createSubscriptionSchema) },
    responses: {
      201: jsonResponse(
        subscriptionSchema,
        'Subscribe a customer to a plan: the first invoice is charged now through your routing (or after the trial)',
      ),
      ...errorResponses(400, 401, 409, 422, 429),
    },
  }),
  listSubscriptions: listRoute('/v1/subscriptions', subscriptionSchema, {
    summary: 'Your subscriptions, newest first',
  }),
  getSubscription: getRoute('/v1/subscriptions/{id}', subscriptionSchema, {
    summary: 'One subscription, with its status history',
  }),
  updateSubscription: route({
    method: 'post',
    path: '/v1/subscriptions/{id}',
    summary: 'Change plan (prorated to the second), payment method or what happens after the last retry',
    description:
      'A plan change while the current period is not paid up (the subscription `past_due` or `unpaid`, or its latest invoice still open while its charge is pending) is refused 409 `invalid_state_transition` with `param: plan`, naming the open invoice, and nothing is changed: pay the invoice (`POST /v1/invoices/{id}/pay`), then change the plan, or cancel instead. A change of payment method alone goes through.',
    request: { headers: mutatingHeaders, params: idParam, body: jsonBody(updateSubscriptionSchema) },
    responses: {
      200: jsonResponse(
        subscriptionSchema,
        'Change plan (prorated to the second), payment method or what happens after the last retry',
      ),
      ...errorResponses(400, 401, 404, 409, 422, 429),
    },
  }),
  cancelSubscription: route({
    method: 'post',
    path: '/v1/subscriptions/{id}/cancel',
    summary: 'Cancel now (unused time credited to the customer) or at the period end',
    request: {
      headers: mutatingHeaders,
      params: idParam,
      body: { ...jsonBody(cancelSubscriptionSchema), required: false },
    },
    responses: {
      200: jsonResponse(
        subscriptionSchema,
        'Cancel now (unused time credited to the customer) or at the period end',
      ),
      ...errorResponses(400, 401, 404, 409, 429),
    },
  }),
  subscriptionInvoices: route({
    method: 'get',
    path: '/v1/subscriptions/{id}/invoices',
    summary: "A subscription's invoices, oldest first, with every payment attempt",
    request: { headers: merchantHeaders, params: idParam },
    responses: {
      200: jsonResponse(
        listSchema(invoiceSchema),
        "A subscription's invoices, oldest first, with every payment attempt",
      ),
      ...errorResponses(401, 404, 429),
    },
  }),
  listInvoices: listRoute('/v1/invoices', invoiceSchema, { summary: 'Your invoices, newest first' }),
  getInvoice: getRoute('/v1/invoices/{id}', invoiceSchema, { summary: 'One invoice' }),
  payInvoice: route({
    method: 'post',
    path: '/v1/invoices/{id}/pay',
    summary: 'Charge an open invoice now with its subscription’s payment method',
    description:
      'A wallet ask of this invoice that the payer has not answered is withdrawn first (its payment intent `canceled`, its attempt `failed` with `error_code: canceled`), so the customer is asked once. While a charge of it is under way (an ACH debit `processing`, or an outcome not yet recorded), the pay is refused 409 `invalid_state_transition` naming the `payment_intent` and its `status`, and nothing is charged: its outcome settles the invoice.',
    request: { headers: mutatingHeaders, params: idParam },
    responses: {
      200: jsonResponse(invoiceSchema, 'Charge an open invoice now with its subscription’s payment method'),
      ...errorResponses(401, 404, 409, 429),
    },
  }),
  invoicePdf: route({
    method: 'get',
    path: '/v1/invoices/{id}/pdf',
    summary: 'The invoice as a PDF: a download URL valid for five minutes',
    request: { headers: merchantHeaders, params: idParam },
    responses: {
      200: jsonResponse(invoicePdfSchema, 'The invoice as a PDF: a download URL valid for five minutes'),
      ...errorResponses(401, 404, 429),
    },
  }),
  getSettings: route({
    method: 'get',
    path: '/v1/billing/settings',
    summary: 'The published retry schedule and what happens after the last retry',
    request: { headers: merchantHeaders },
    responses: {
      200: jsonResponse(
        billingSettingsSchema,
        'The published retry schedule and what happens after the last retry',
      ),
      ...errorResponses(401, 429),
    },
  }),
  putSettings: route({
    method: 'put',
    path: '/v1/billing/settings',
    summary: 'Choose what new subscriptions do after the last retry: cancel, or go unpaid',
    request: { headers: mutatingHeaders, body: jsonBody(updateBillingSettingsSchema) },
    responses: {
      200: jsonResponse(
        billingSettingsSchema,
        'Choose what new subscriptions do after the last retry: cancel, or go unpaid',
      ),
      ...errorResponses(400, 401, 429),
    },
  }),
  advanceClock: route({
    method: 'post',
    path: '/v1/test-helpers/billing/advance-clock',
    summary:
      'Move your sandbox clock ahead, running every renewal and retry that falls due, each at its own time',
    description:
      'As `POST /v1/test-helpers/advance-clock` (expiries, settlement and disputes fire too), stepping through each billing action due on the way: a year runs twelve monthly cycles. Answers 202 at once with the test clock `advancing` (and emits `test_clock.advancing`); the cycles run in the background in bounded batches, and the clock turns `ready` (`test_clock.ready`): poll `GET /v1/test-helpers/billing/clock`. 409 while an advance is still under way.',
    request: { headers: mutatingHeaders, body: jsonBody(advanceBillingClockSchema) },
    responses: {
      202: jsonResponse(testClockSchema, 'The test clock, advancing'),
      ...errorResponses(400, 401, 409, 429),
    },
  }),
  getClock: route({
    method: 'get',
    path: '/v1/test-helpers/billing/clock',
    summary: 'Your test clock: advancing (with how far it got) or ready',
    request: { headers: merchantHeaders },
    responses: {
      200: jsonResponse(testClockSchema, 'Your test clock: advancing (with how far it got) or ready'),
      ...errorResponses(401, 429),
    },
  }),
};

/** A page of records answered as the API objects `map` makes of them. */
const page = <T, U>(result: RecordPage<T>, map: (record: T) => U) =>
  pageBody({ data: result.data.map(map), next_cursor: result.next_cursor });
type RecordFn = { record(status: number, body: unknown): WriteOperation[] } | undefined;
const respondWith = (idem: RecordFn, status: number) =>
  idem && ((record: Parameters<typeof toSubscription>[0]) => idem.record(status, toSubscription(record)));

/** Billing's routes: plans, customers and their payment methods, subscriptions, invoices, the sandbox clock. */
export function billingRoutes(deps: BillingDeps) {
  const app = createRouter();
  const ctxOf = (c: { var: { merchant: { merchantId: string } } }) =>
    merchantContext(deps, c.var.merchant.merchantId);
  const merchantOf = (c: { var: { merchant: { merchantId: string } } }) => c.var.merchant.merchantId;

  app.openapi(routes.createPlan, async (c) =>
    c.json(toPlan(await createPlan(deps, await ctxOf(c), c.req.valid('json'))), 201),
  );
  app.openapi(routes.listPlans, async (c) =>
    c.json(
      page(await merchantPlansPage(deps.store, merchantOf(c), pageRequest(c.req.valid('query'))), toPlan),
      200,
    ),
  );
  app.openapi(routes.getPlan, async (c) =>
    c.json(toPlan(await getPlan(deps, merchantOf(c), c.req.valid('param').id)), 200),
  );

  app.openapi(routes.createCustomer, async (c) =>
    c.json(toCustomer(await createCustomer(deps, await ctxOf(c), c.req.valid('json'))), 201),
  );
  app.openapi(routes.listCustomers, async (c) =>
    c.json(
      page(
        await merchantCustomersPage(deps.store, merchantOf(c), pageRequest(c.req.valid('query'))),
        toCustomer,
      ),
      200,
    ),
  );
  app.openapi(routes.getCustomer, async (c) =>
    c.json(toCustomer(await getCustomer(deps, merchantOf(c), c.req.valid('param').id)), 200),
  );
  app.openapi(routes.addPaymentMethod, async (c) =>
    c.json(
      toPaymentMethod(
        await addPaymentMethod(deps, await ctxOf(c), c.req.valid('param').id, c.req.valid('json')),
      ),
      201,
    ),
  );
  app.openapi(routes.listPaymentMethods, async (c) =>
    c.json(
      {
        data: await listPaymentMethods(deps, merchantOf(c), c.req.valid('param').id),
        has_more: false,
        next_cursor: null,
      },
      200,
    ),
  );
  app.openapi(routes.updatePaymentMethod, async (c) => {
    const { id, method } = c.req.valid('param');
    return c.json(
      toPaymentMethod(
        await setTestBehaviour(deps, merchantOf(c), id, method, c.req.valid('json').test_behaviour),
      ),
      200,
    );
  });

  app.openapi(routes.createSubscription, async (c) =>
    c.json(
      toSubscription(
        await createSubscription(
          deps,
          await ctxOf(c),
          c.req.valid('json'),
          respondWith(c.var.idempotency, 201),
        ),
      ),
      201,
    ),
  );
  app.openapi(routes.listSubscriptions, async (c) =>
    c.json(
      page(
        await merchantSubscriptionsPage(deps.store, merchantOf(c), pageRequest(c.req.valid('query'))),
        toSubscription,
      ),
      200,
    ),
  );
  app.openapi(routes.getSubscription, async (c) =>
    c.json(toSubscription(await getSubscriptionRecord(deps, merchantOf(c), c.req.valid('param').id)), 200),
  );
  app.openapi(routes.updateSubscription, async (c) =>
    c.json(
      toSubscription(
        await updateSubscription(
          deps,
          await ctxOf(c),
          c.req.valid('param').id,
          c.req.valid('json'),
          respondWith(c.var.idempotency, 200),
        ),
      ),
      200,
    ),
  );
  app.openapi(routes.cancelSubscription, async (c) => {
    const body = (await c.req.text()) ? c.req.valid('json') : { at_period_end: false };
    return c.json(
      toSubscription(
        await cancelSubscription(
          deps,
          await ctxOf(c),
          c.req.valid('param').id,
          body.at_period_end ?? false,
          respondWith(c.var.idempotency, 200),
        ),
      ),
      200,
    );
  });
  app.openapi(routes.subscriptionInvoices, async (c) =>
    c.json(
      {
        data: (await invoicesOfSubscription(deps, merchantOf(c), c.req.valid('param').id)).map(toInvoice),
        has_more: false,
        next_cursor: null,
      },
      200,
    ),
  );

  app.openapi(routes.listInvoices, async (c) =>
    c.json(
      page(
        await merchantInvoicesPage(deps.store, merchantOf(c), pageRequest(c.req.valid('query'))),
        toInvoice,
      ),
      200,
    ),
  );
  app.openapi(routes.getInvoice, async (c) =>
    c.json(toInvoice(await getInvoiceRecord(deps, merchantOf(c), c.req.valid('param').id)), 200),
  );
  app.openapi(routes.payInvoice, async (c) =>
    c.json(toInvoice((await payInvoice(deps, await ctxOf(c), c.req.valid('param').id)).invoice), 200),
  );
  app.openapi(routes.invoicePdf, async (c) =>
    c.json(await invoicePdf(deps, merchantOf(c), c.req.valid('param').id), 200),
  );

  app.openapi(routes.getSettings, async (c) => c.json(await getSettings(deps, merchantOf(c)), 200));
  app.openapi(routes.putSettings, async (c) =>
    c.json(await setSettings(deps, merchantOf(c), c.req.valid('json').on_retries_exhausted), 200),
  );
  app.openapi(routes.advanceClock, async (c) =>
    c.json(await startClockAdvance(deps, merchantOf(c), c.req.valid('json').seconds), 202),
  );
  app.openapi(routes.getClock, async (c) => c.json(await getTestClock(deps, merchantOf(c)), 200));
  return app;
}
