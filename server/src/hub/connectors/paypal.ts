import {
  ApiError,
  CheckoutPaymentIntent,
  Client,
  Environment,
  OrdersController,
  PaymentsController,
  type Configuration,
  type Order,
} from '@paypal/paypal-server-sdk';
import { AppError } from '../../kernel/errors.ts';
import { formatDecimal, isCurrency, parseDecimal, type Currency } from '../../kernel/money.ts';
import {
  TechnicalFailure,
  type AuthorizeInput,
  type Connector,
  type ConnectorContext,
  type DeclineCode,
  type ProviderPayment,
} from './connector.ts';

export interface PayPalConnectorOptions {
  /**
   * Sends the SDK's requests to this base URL instead of PayPal's (a test's local PayPal-compatible
   * server). Unset in production: the credentials' `environment` picks sandbox or live.
   */
  endpoint?: string;
  /** Per request (10 s unless set); past it the call counts as a timeout (a technical failure). */
  timeoutMs?: number;
  /**
   * Builds the SDK's client from the configuration the connector chose: `new Client` unless a test
   * wraps it (to see the timeout reach the SDK's requests, say).
   */
  createClient?: (config: Partial<Configuration>) => Client;
}

/** A webhook as PayPal sends it: the raw body and its `PAYPAL-*` transmission headers. */
export interface PayPalWebhook {
  body: string;
  headers: Readonly<Record<string, string | undefined>>;
}

/** The parts of a verified PayPal webhook event the hub reads. */
export interface PayPalEvent {
  id: string;
  event_type: string;
  create_time?: string;
  resource: Record<string, unknown>;
}

/**
 * PayPal's published sandbox card for rejection tests, and the rejection trigger (the name on the
 * card) that makes PayPal's sandbox answer each of the hub's test declines. A Sluice test card maps
 * onto them, as the Stripe connector maps test cards to Stripe's tokens: the hub never sends PayPal
 * a card number that is not a published test number.
 */
const paypalTestVisa = '4012888888881881';
const testCards: Readonly<Record<string, { number: string; trigger?: string }>> = {
  '4242424242424242': { number: paypalTestVisa },
  '5555555555554444': { number: '2223000048400011' },
  '378282246310005': { number: '371449635398431' },
  '4000000000000002': { number: paypalTestVisa, trigger: 'CCREJECT-REFUSED' },
  '4000000000009995': { number: paypalTestVisa, trigger: 'CCREJECT-IF' },
  '4100000000000019': { number: paypalTestVisa, trigger: 'CCREJECT-SF' },
  '4000000000000127': { number: paypalTestVisa, trigger: 'CCREJECT-CVV_F' },
  '4000000000000069': { number: paypalTestVisa, trigger: 'CCREJECT-EC' },
  '4000000000000119': { number: paypalTestVisa, trigger: 'CCREJECT-BANK_ERROR' },
};

/** PayPal's processor response codes (its card-testing table) in the hub's one vocabulary. */
const processorDeclines: Readonly<Record<string, DeclineCode>> = {
  '0500': 'generic_decline',
  '5100': 'generic_decline',
  '5120': 'insufficient_funds',
  '9500': 'fraudulent',
  '5400': 'expired_card',
  '5180': 'invalid_payment_method',
  '1330': 'invalid_payment_method',
  '9520': 'lost_card',
  '00N7': 'incorrect_cvc',
};

const credentialNames = ['client_id', 'client_secret', 'webhook_id', 'environment'] as const;
const idPattern = /^[A-Za-z0-9_-]{8,200}$/;

/**
 * PayPal through its official server SDK (`@paypal/paypal-server-sdk`), on Orders v2 with the card
 * as the payment source: an order created with intent `AUTHORIZE` is an authorization, `CAPTURE` a
 * sale; captures, voids and refunds go through the Payments API. The hub's reference is the order
 * id, and every status is read from the order (its authorizations, captures and refunds). Every
 * write carries `PayPal-Request-Id` (the attempt's key): PayPal answers a repeat with what the
 * first did, so `lookup` replays the create. The SDK's own retries are off; the hub decides.
 */
export function paypalConnector(options: PayPalConnectorOptions = {}): Connector & {
  parseWebhook(ctx: ConnectorContext, webhook: PayPalWebhook): Promise<PayPalEvent>;
  /** The order a capture belongs to (a dispute names the capture). */
  orderOfCapture(ctx: ConnectorContext, captureId: string): Promise<string | undefined>;
} {
  const clients = new Map<string, Client>();
  const createClient = options.createClient ?? ((config) => new Client(config));
  const client = (ctx: ConnectorContext): Client => {
    const key = `${ctx.credentials.environment}:${ctx.credentials.client_id}:${ctx.credentials.client_secret}`;
    let found = clients.get(key);
    if (!found) {
      found = createClient({
        clientCredentialsAuthCredentials: {
          oAuthClientId: ctx.credentials.client_id ?? '',
          oAuthClientSecret: ctx.credentials.client_secret ?? '',
        },
        environment: ctx.credentials.environment === 'live' ? Environment.Production : Environment.Sandbox,
        timeout: options.timeoutMs ?? 10_000,
        httpClientOptions: { retryConfig: { maxNumberOfRetries: 0 } },
        ...(options.endpoint
          ? { unstable_httpClientOptions: { adapter: redirectTo(options.endpoint) } }
          : {}),
      });
      clients.set(key, found);
    }
    return found;
  };
  const orders = (ctx: ConnectorContext) => new OrdersController(client(ctx));
  const payments = (ctx: ConnectorContext) => new PaymentsController(client(ctx));
  const baseUrl = (ctx: ConnectorContext) =>
    ctx.credentials.environment === 'live' ? 'https://api-m.paypal.com' : 'https://api-m.sandbox.paypal.com';

  const readOrder = async (ctx: ConnectorContext, id: string): Promise<Order> =>
    (await call(() => orders(ctx).getOrder({ id }))).result;

  const create = async (ctx: ConnectorContext, input: AuthorizeInput): Promise<ProviderPayment> => {
    const card = input.payment_method.type === 'card' ? input.payment_method.card : undefined;
    const test = card ? testCards[card.number] : undefined;
    if (!card || !test) return declined('', 'invalid_payment_method');
    const value = formatDecimal(input.amount, input.currency);
    const response = await call(() =>
      orders(ctx).createOrder({
        paypalRequestId: input.idempotency_key,
        prefer: 'return=representation',
        body: {
          intent: input.capture ? CheckoutPaymentIntent.Capture : CheckoutPaymentIntent.Authorize,
          purchaseUnits: [
            {
              referenceId: 'default',
              customId: input.intent,
              amount: { currencyCode: input.currency, value },
            },
          ],
          paymentSource: {
            card: {
              number: test.number,
              expiry: `${card.exp_year}-${String(card.exp_month).padStart(2, '0')}`,
              securityCode: card.cvc,
              name: test.trigger ?? 'Sluice Test',
            },
          },
        },
      }),
    );
    return fromOrder(response.result);
  };

  const firstAuthorization = async (ctx: ConnectorContext, reference: string) => {
    const order = await readOrder(ctx, reference);
    const authorization = order.purchaseUnits?.[0]?.payments?.authorizations?.[0];
    if (!authorization?.id)
      throw new AppError('invalid_request', `paypal order ${reference} has no authorization`);
    return { order, authorization: { ...authorization, id: authorization.id } };
  };

  return {
    provider: 'paypal',
    methods: ['card'],
    parseCredentials(raw) {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
        throw new AppError(
          'validation_failed',
          'paypal needs credentials {client_id, client_secret, webhook_id, environment?}',
          { param: 'credentials' },
        );
      const credentials = raw as Record<string, unknown>;
      for (const name of Object.keys(credentials))
        if (!(credentialNames as readonly string[]).includes(name))
          throw new AppError(
            'validation_failed',
            `paypal credentials take ${credentialNames.join(', ')}, not ${name}`,
            { param: `credentials.${name}` },
          );
      for (const name of ['client_id', 'client_secret', 'webhook_id'] as const) {
        const value = credentials[name];
        if (typeof value !== 'string' || !idPattern.test(value))
          throw new AppError(
            'validation_failed',
            `credentials.${name} must be the ${name.replace('_', ' ')} of your PayPal REST app (8-200 letters, digits, _ or -)`,
            { param: `credentials.${name}` },
          );
      }
      const environment = credentials.environment ?? 'sandbox';
      if (environment !== 'sandbox' && environment !== 'live')
        throw new AppError('validation_failed', 'credentials.environment must be sandbox or live', {
          param: 'credentials.environment',
        });
      return {
        client_id: credentials.client_id as string,
        client_secret: credentials.client_secret as string,
        webhook_id: credentials.webhook_id as string,
        environment,
      };
    },
    authorize: create,
    async capture(ctx, reference, amount, key) {
      const { order, authorization } = await firstAuthorization(ctx, reference);
      const currency = currencyOf(order);
      await call(() =>
        payments(ctx).captureAuthorizedPayment({
          authorizationId: authorization.id,
          paypalRequestId: key,
          prefer: 'return=minimal',
          body: {
            finalCapture: true,
            ...(amount === undefined
              ? {}
              : { amount: { currencyCode: currency, value: formatDecimal(amount, currency) } }),
          },
        }),
      );
      return fromOrder(await readOrder(ctx, reference));
    },
    async void(ctx, reference, key) {
      const { authorization } = await firstAuthorization(ctx, reference);
      await call(() =>
        payments(ctx).voidPayment({ authorizationId: authorization.id, paypalRequestId: key }),
      );
      return fromOrder(await readOrder(ctx, reference));
    },
    async refund(ctx, reference, amount, key) {
      const order = await readOrder(ctx, reference);
      const capture = order.purchaseUnits?.[0]?.payments?.captures?.[0];
      if (!capture?.id) throw new AppError('invalid_request', `paypal order ${reference} has no capture`);
      const currency = currencyOf(order);
      const refund = (
        await call(() =>
          payments(ctx).refundCapturedPayment({
            captureId: capture.id as string,
            paypalRequestId: key,
            prefer: 'return=representation',
            body: { amount: { currencyCode: currency, value: formatDecimal(amount, currency) } },
          }),
        )
      ).result;
      return { reference: refund.id ?? '', amount: minorOf(refund.amount, currency) };
    },
    status: async (ctx, reference) => fromOrder(await readOrder(ctx, reference)),
    // PayPal keeps a PayPal-Request-Id for 6 hours and answers a repeat with the first order; if
    // the first never arrived the replay creates it, and the hub then holds the one order to undo.
    lookup: async (ctx, input) => {
      const found = await create(ctx, input);
      return found.reference ? found : undefined;
    },
    async orderOfCapture(ctx, captureId) {
      const capture = (await call(() => payments(ctx).getCapturedPayment({ captureId }))).result;
      return capture.supplementaryData?.relatedIds?.orderId;
    },
    /**
     * Verifies a webhook the way PayPal documents for REST apps: its transmission headers, the
     * connector's webhook id and the event are posted back to PayPal's verify-webhook-signature
     * endpoint, which answers SUCCESS only for a message PayPal signed for this webhook.
     */
    async parseWebhook(ctx, webhook) {
      const header = (name: string) => webhook.headers[name] ?? webhook.headers[name.toLowerCase()];
      const names = [
        'paypal-transmission-id',
        'paypal-transmission-time',
        'paypal-transmission-sig',
        'paypal-cert-url',
        'paypal-auth-algo',
      ];
      for (const name of names)
        if (!header(name))
          throw new AppError('invalid_request', `the ${name} header is missing`, { param: name });
      let event: PayPalEvent;
      try {
        event = JSON.parse(webhook.body) as PayPalEvent;
      } catch {
        throw new AppError('invalid_request', 'the webhook body is not JSON', { param: 'body' });
      }
      if (typeof event?.id !== 'string' || typeof event.event_type !== 'string')
        throw new AppError('invalid_request', 'the webhook body is not a PayPal event', { param: 'body' });
      const token = await call(() => client(ctx).clientCredentialsAuthManager.fetchToken());
      const verify = redirected(
        `${baseUrl(ctx)}/v1/notifications/verify-webhook-signature`,
        options.endpoint,
      );
      const verdict = await fetchVerdict(verify.url, {
        headers: verify.headers,
        accessToken: token.accessToken,
        timeoutMs: options.timeoutMs ?? 10_000,
        // The event goes back as PayPal sent it: spliced in raw, so no re-serialization changes it.
        body: `{"auth_algo":${JSON.stringify(header('paypal-auth-algo'))},"cert_url":${JSON.stringify(header('paypal-cert-url'))},"transmission_id":${JSON.stringify(header('paypal-transmission-id'))},"transmission_sig":${JSON.stringify(header('paypal-transmission-sig'))},"transmission_time":${JSON.stringify(header('paypal-transmission-time'))},"webhook_id":${JSON.stringify(ctx.credentials.webhook_id)},"webhook_event":${webhook.body}}`,
      });
      if (verdict !== 'SUCCESS')
        throw new AppError('invalid_request', 'the PayPal webhook signature does not verify', {
          param: 'paypal-transmission-sig',
        });
      return event;
    },
  };
}

function declined(reference: string, code: DeclineCode): ProviderPayment {
  return { status: 'declined', reference, amount_captured: 0, decline_code: code };
}

function currencyOf(order: Order): Currency {
  const code = order.purchaseUnits?.[0]?.amount?.currencyCode ?? '';
  if (!isCurrency(code)) throw new TechnicalFailure('server_error', `paypal answered an order in ${code}`);
  return code;
}

function minorOf(money: { value: string } | undefined, currency: Currency): number {
  return money ? (parseDecimal(money.value, currency) ?? 0) : 0;
}

/**
 * An order in the hub's vocabulary. A card order is processed when it is created: its first
 * authorization or capture says how it went, a DECLINED/DENIED/FAILED one with PayPal's processor
 * response code, a PENDING capture is still `processing` (PayPal is reviewing it), and a capture is
 * `refunded` once refunds cover all of it.
 */
function fromOrder(order: Order): ProviderPayment {
  const reference = order.id ?? '';
  const payments = order.purchaseUnits?.[0]?.payments;
  const currency = currencyOf(order);
  const authorization = payments?.authorizations?.[0];
  const captures = payments?.captures ?? [];
  const failed = [authorization, ...captures].find(
    (item) => item?.status === 'DECLINED' || item?.status === 'DENIED' || item?.status === 'FAILED',
  ) as { processorResponse?: { responseCode?: string } } | undefined;
  if (failed) {
    const code = failed.processorResponse?.responseCode ?? '';
    return declined(reference, processorDeclines[code] ?? 'generic_decline');
  }
  const captured = captures
    .filter((capture) => capture.status !== 'DECLINED' && capture.status !== 'FAILED')
    .reduce((sum, capture) => sum + minorOf(capture.amount, currency), 0);
  const refunded = (payments?.refunds ?? [])
    .filter((refund) => refund.status !== 'FAILED' && refund.status !== 'CANCELLED')
    .reduce((sum, refund) => sum + minorOf(refund.amount, currency), 0);
  const status =
    captures.length > 0
      ? captures.some((capture) => capture.status === 'PENDING')
        ? 'processing'
        : refunded >= captured
          ? 'refunded'
          : 'captured'
      : authorization?.status === 'VOIDED'
        ? 'voided'
        : authorization
          ? 'authorized'
          : order.status === 'PAYER_ACTION_REQUIRED'
            ? 'pending'
            : 'processing';
  return { status, reference, amount_captured: captured, decline_code: null };
}

/**
 * Runs an SDK call, turning its failures into the hub's: a 5xx or 429 is a technical failure (the
 * hub fails over), as is a request that never got an answer; a 422 naming a declined instrument is
 * a decline; a 401 is the connector's credentials; anything else is the caller's mistake. Messages
 * carry PayPal's error name and debug id, never a credential.
 */
async function call<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ApiError) {
      const body = (error.result ?? {}) as {
        name?: string;
        debug_id?: string;
        details?: { issue?: string }[];
      };
      const issue = body.details?.[0]?.issue ?? body.name ?? 'UNKNOWN';
      if (error.statusCode >= 500 || error.statusCode === 429)
        throw new TechnicalFailure('server_error', `paypal answered ${error.statusCode} (${issue})`);
      if (error.statusCode === 401 || error.statusCode === 403)
        throw new AppError('invalid_request', 'paypal refused the connector credentials', {
          param: 'credentials.client_id',
        });
      throw new AppError('invalid_request', `paypal refused the request: ${issue}`, {
        details: { provider_code: issue, debug_id: body.debug_id ?? null },
      });
    }
    if (error instanceof AppError || error instanceof TechnicalFailure) throw error;
    throw unreachable(error);
  }
}

/** A request that got no answer: a `timeout` when it ran out of time, else a `network` failure. */
function unreachable(error: unknown): TechnicalFailure {
  const text =
    error instanceof Error ? `${error.name} ${error.message} ${(error as { code?: string }).code}` : '';
  return new TechnicalFailure(
    /time ?out|abort|ECONNABORTED|ETIMEDOUT/i.test(text) ? 'timeout' : 'network',
    'paypal could not be reached',
    {
      cause: error,
    },
  );
}

/** Posts to PayPal's verify endpoint and returns its verdict; an outage is a technical failure. */
async function fetchVerdict(
  url: string,
  request: { accessToken: string; body: string; timeoutMs: number; headers: Record<string, string> },
): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        ...request.headers,
        authorization: `Bearer ${request.accessToken}`,
        'content-type': 'application/json',
      },
      body: request.body,
      signal: AbortSignal.timeout(request.timeoutMs),
    });
  } catch (error) {
    // `AbortSignal.timeout` rejects with a `TimeoutError`; a refused or reset connection with a TypeError.
    throw unreachable(error);
  }
  if (response.status >= 500)
    throw new TechnicalFailure('server_error', `paypal answered ${response.status}`);
  const verdict = (await response.json().catch(() => ({}))) as { verification_status?: string };
  return verdict.verification_status ?? 'FAILURE';
}

interface AxiosLikeConfig {
  url?: string;
  method?: string;
  headers?: { toJSON?: () => Record<string, unknown> } & Record<string, unknown>;
  data?: unknown;
  auth?: { username: string; password: string };
  timeout?: number;
}

/**
 * An adapter for the SDK's HTTP client (axios underneath) that sends each request to `base`
 * instead of PayPal's host, through fetch: how a test points the official SDK at a local
 * PayPal-compatible server, since the SDK's environments name only PayPal's own hosts.
 */
/**
 * `url` sent to `endpoint` instead (a local PayPal-compatible server), naming the host it was meant
 * for in `x-forwarded-host`, so that server can tell a live app's calls from a sandbox app's.
 */
function redirected(
  url: string,
  endpoint: string | undefined,
): { url: string; headers: Record<string, string> } {
  if (endpoint === undefined) return { url, headers: {} };
  const meant = new URL(url);
  return {
    url: `${endpoint.replace(/\/$/, '')}${meant.pathname}${meant.search}`,
    headers: { 'x-forwarded-host': meant.host },
  };
}

function redirectTo(base: string) {
  return async (config: AxiosLikeConfig) => {
    const { url: target, headers: forwarded } = redirected(config.url ?? '/', base);
    const headers: Record<string, string> = { ...forwarded };
    for (const [name, value] of Object.entries(config.headers?.toJSON?.() ?? config.headers ?? {}))
      if (value !== undefined && value !== null && typeof value !== 'function') headers[name] = String(value);
    if (config.auth)
      headers.authorization = `Basic ${Buffer.from(`${config.auth.username}:${config.auth.password}`).toString('base64')}`;
    const response = await fetch(target, {
      method: (config.method ?? 'get').toUpperCase(),
      headers,
      ...(config.data === undefined || config.data === null ? {} : { body: config.data as string }),
      ...(config.timeout ? { signal: AbortSignal.timeout(config.timeout) } : {}),
    });
    return {
      data: await response.text(),
      status: response.status,
      statusText: response.statusText,
      headers: Object.fromEntries(response.headers),
      config,
      request: {},
    };
  };
}
