import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createSign, createVerify, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';

/**
 * A PayPal-compatible HTTP server for tests: the parts of PayPal's REST API the hub's connector
 * calls (OAuth client credentials, Orders v2 with a card payment source, the Payments API's
 * capture, void, refund and capture lookup, and webhook signature verification), answering with
 * bodies shaped after PayPal's published request/response examples (its Orders v2 reference and
 * sandbox card-testing page), and keeping state so a capture, a refund and a void act on the order
 * they name.
 *
 * Like PayPal's sandbox it declines a card whose name is a rejection trigger (`CCREJECT-REFUSED`,
 * `CCREJECT-IF`…) with that trigger's processor response code, accepts only PayPal's published
 * test card numbers, answers a repeated `PayPal-Request-Id` with the first answer, and verifies a
 * webhook only when it signed that transmission. Like PayPal it refuses a body that is not
 * `application/json` and a card expiry not written `YYYY-MM` (the schema's pattern), and answers a write without `Prefer: return=representation`
 * with the minimal body (id, status, links: PayPal's default). It is not PayPal: it is what
 * PayPal's documents say PayPal does, for the cases the connector handles.
 */
export interface PayPalSandbox {
  url: string;
  credentials: { client_id: string; client_secret: string; webhook_id: string; environment: 'sandbox' };
  /**
   * The next `count` API calls (not token calls) answer 503 (`error`), never answer (`hang`), or
   * answer this status with PayPal's error body for it (429, 500, 403…).
   */
  failNext(count: number, mode: 'error' | 'hang' | number): void;
  /** The API calls (not token calls) received, oldest first: for what the connector sends. */
  requests(): SandboxRequest[];
  /** An order as the sandbox holds it (its custom id, payment source, payments). */
  order(id: string): Order | undefined;
  /** Captures made from now on stay PENDING (PayPal's `PENDING_REVIEW`) until completed. */
  holdCaptures(hold: boolean): void;
  /** A signed webhook transmission of `event` for this app's webhook: its body and headers. */
  webhook(event: Record<string, unknown>): { body: string; headers: Record<string, string> };
  /** A capture's id, by the order it belongs to (for dispute webhooks). */
  captureOf(orderId: string): string | undefined;
  /** How many orders were created (a replayed PayPal-Request-Id creates none). */
  orderCount(): number;
  stop(): Promise<void>;
}

/** An API call the sandbox received. */
export interface SandboxRequest {
  method: string;
  path: string;
  requestId: string | undefined;
  prefer: string | undefined;
  /** The PayPal host the connector meant to call (`x-forwarded-host`, set by its redirect). */
  forwardedHost: string | undefined;
  body: Record<string, unknown>;
}

/** PayPal's error names by status, for `failNext` with a status. */
const errorNames: Record<number, string> = {
  400: 'INVALID_REQUEST',
  401: 'AUTHENTICATION_FAILURE',
  403: 'NOT_AUTHORIZED',
  404: 'RESOURCE_NOT_FOUND',
  422: 'UNPROCESSABLE_ENTITY',
  429: 'RATE_LIMIT_REACHED',
  500: 'INTERNAL_SERVER_ERROR',
  503: 'SERVICE_UNAVAILABLE',
};

const publishedTestCards = new Set([
  '371449635398431',
  '376680816376961',
  '2223000048400011',
  '4005519200000004',
  '4012000033330026',
  '4012000077777777',
  '4012888888881881',
  '4217651111111119',
  '4500600000000061',
]);

/** PayPal's card-testing rejection triggers and the processor response code each answers. */
const rejectionTriggers: Record<string, string> = {
  'CCREJECT-REFUSED': '0500',
  'CCREJECT-SF': '9500',
  'CCREJECT-EC': '5400',
  'CCREJECT-IRC': '5180',
  'CCREJECT-IF': '5120',
  'CCREJECT-LS': '9520',
  'CCREJECT-IA': '1330',
  'CCREJECT-BANK_ERROR': '5100',
  'CCREJECT-CVV_F': '00N7',
};

interface Money {
  currency_code: string;
  value: string;
}
interface Capture {
  id: string;
  status: 'COMPLETED' | 'DECLINED' | 'PENDING' | 'PARTIALLY_REFUNDED' | 'REFUNDED';
  amount: Money;
  final_capture: boolean;
  processor_response?: { avs_code: string; cvv_code: string; response_code: string };
  status_details?: { reason: string };
  create_time: string;
  update_time: string;
}
interface Authorization {
  id: string;
  status: 'CREATED' | 'CAPTURED' | 'DENIED' | 'VOIDED';
  amount: Money;
  processor_response?: { avs_code: string; cvv_code: string; response_code: string };
  expiration_time: string;
  create_time: string;
  update_time: string;
}
export interface Order {
  id: string;
  intent: 'CAPTURE' | 'AUTHORIZE';
  status: 'COMPLETED';
  create_time: string;
  update_time: string;
  payment_source: { card: { name: string; last_digits: string; brand: string; type: 'CREDIT' } };
  purchase_units: {
    reference_id: string;
    custom_id?: string;
    amount: Money;
    payments: { authorizations?: Authorization[]; captures?: Capture[]; refunds?: Refund[] };
  }[];
}
interface Refund {
  id: string;
  status: 'COMPLETED';
  amount: Money;
  create_time: string;
  update_time: string;
}

export async function startPayPalSandbox(): Promise<PayPalSandbox> {
  const credentials = {
    client_id: `AcLIENT${randomBytes(8).toString('hex')}`,
    client_secret: `EsECRET${randomBytes(8).toString('hex')}`,
    webhook_id: `WH-${randomBytes(6).toString('hex').toUpperCase()}`,
    environment: 'sandbox' as const,
  };
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const tokens = new Set<string>();
  const orders = new Map<string, Order>();
  const orderOfAuthorization = new Map<string, string>();
  const orderOfCapture = new Map<string, string>();
  const replays = new Map<string, { status: number; body: unknown }>();
  const hanging = new Set<ServerResponse>();
  const received: SandboxRequest[] = [];
  let failures: { count: number; mode: 'error' | 'hang' | number } = { count: 0, mode: 'error' };
  let holdCaptures = false;
  let sequence = 0;
  const newId = (prefix: string) =>
    `${prefix}${(++sequence).toString(36).toUpperCase().padStart(6, '0')}${randomBytes(5).toString('hex').toUpperCase()}`;
  const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const minor = (value: string) => Math.round(Number(value) * 100);
  const decimal = (cents: number) => (cents / 100).toFixed(2);

  const error = (status: number, name: string, issue: string, description: string) => ({
    status,
    body: {
      name,
      message:
        'The requested action could not be performed, semantically incorrect, or failed business validation.',
      debug_id: randomBytes(6).toString('hex'),
      details: [{ issue, description }],
      links: [
        { href: `https://developer.paypal.com/docs/api/orders/v2/#error-${issue}`, rel: 'information_link' },
      ],
    },
  });
  const unprocessable = (issue: string, description: string) =>
    error(422, 'UNPROCESSABLE_ENTITY', issue, description);

  function createOrder(body: {
    intent?: string;
    purchase_units?: { reference_id?: string; custom_id?: string; amount?: Money }[];
    payment_source?: { card?: { number?: string; expiry?: string; security_code?: string; name?: string } };
  }): { status: number; body: unknown } {
    const unit = body.purchase_units?.[0];
    const card = body.payment_source?.card;
    if (!unit?.amount || (body.intent !== 'CAPTURE' && body.intent !== 'AUTHORIZE'))
      return error(
        400,
        'INVALID_REQUEST',
        'MISSING_REQUIRED_PARAMETER',
        'intent and purchase_units are required',
      );
    if (!card?.number || !publishedTestCards.has(card.number))
      return unprocessable('CARD_NUMBER_INVALID', 'The card number is not a sandbox test card.');
    if (!/^[0-9]{4}-(0[1-9]|1[0-2])$/.test(card.expiry ?? ''))
      return error(
        400,
        'INVALID_REQUEST',
        'INVALID_PARAMETER_SYNTAX',
        'The value of a field does not conform to the expected format.',
      );
    const time = now();
    const code = rejectionTriggers[card.name ?? ''];
    const processor = {
      avs_code: code ? 'G' : 'A',
      cvv_code: code ? 'P' : 'M',
      response_code: code ?? '0000',
    };
    const order: Order = {
      id: newId(''),
      intent: body.intent,
      status: 'COMPLETED',
      create_time: time,
      update_time: time,
      payment_source: {
        card: { name: card.name ?? '', last_digits: card.number.slice(-4), brand: 'VISA', type: 'CREDIT' },
      },
      purchase_units: [
        {
          reference_id: unit.reference_id ?? 'default',
          ...(unit.custom_id ? { custom_id: unit.custom_id } : {}),
          amount: unit.amount,
          payments: {},
        },
      ],
    };
    const payments = order.purchase_units[0]!.payments;
    if (body.intent === 'AUTHORIZE') {
      const authorization: Authorization = {
        id: newId('A'),
        status: code ? 'DENIED' : 'CREATED',
        amount: unit.amount,
        processor_response: processor,
        expiration_time: new Date(Date.now() + 29 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        create_time: time,
        update_time: time,
      };
      payments.authorizations = [authorization];
      orderOfAuthorization.set(authorization.id, order.id);
    } else {
      const capture: Capture = {
        id: newId('C'),
        status: code ? 'DECLINED' : holdCaptures ? 'PENDING' : 'COMPLETED',
        amount: unit.amount,
        final_capture: true,
        processor_response: processor,
        ...(holdCaptures && !code ? { status_details: { reason: 'PENDING_REVIEW' } } : {}),
        create_time: time,
        update_time: time,
      };
      payments.captures = [capture];
      orderOfCapture.set(capture.id, order.id);
    }
    orders.set(order.id, order);
    return { status: 201, body: order };
  }

  function captureAuthorization(authorizationId: string, body: { amount?: Money }) {
    const order = orders.get(orderOfAuthorization.get(authorizationId) ?? '');
    const payments = order?.purchase_units[0]!.payments;
    const authorization = payments?.authorizations?.[0];
    if (!order || !payments || !authorization)
      return error(404, 'RESOURCE_NOT_FOUND', 'INVALID_RESOURCE_ID', 'Specified resource ID does not exist.');
    if (authorization.status === 'VOIDED')
      return unprocessable('AUTHORIZATION_VOIDED', 'A voided authorization cannot be captured.');
    if (authorization.status !== 'CREATED')
      return unprocessable('AUTHORIZATION_ALREADY_CAPTURED', 'Authorization has been previously captured.');
    const amount = body.amount ?? authorization.amount;
    if (minor(amount.value) > minor(authorization.amount.value))
      return unprocessable('MAX_CAPTURE_AMOUNT_EXCEEDED', 'Capture amount exceeds allowable limit.');
    const time = now();
    const capture: Capture = {
      id: newId('C'),
      status: holdCaptures ? 'PENDING' : 'COMPLETED',
      amount,
      final_capture: true,
      ...(holdCaptures ? { status_details: { reason: 'PENDING_REVIEW' } } : {}),
      create_time: time,
      update_time: time,
    };
    authorization.status = 'CAPTURED';
    authorization.update_time = time;
    payments.captures = [capture];
    orderOfCapture.set(capture.id, order.id);
    return { status: 201, body: withLinks(capture, order.id) };
  }

  function voidAuthorization(authorizationId: string) {
    const order = orders.get(orderOfAuthorization.get(authorizationId) ?? '');
    const authorization = order?.purchase_units[0]!.payments.authorizations?.[0];
    if (!authorization)
      return error(404, 'RESOURCE_NOT_FOUND', 'INVALID_RESOURCE_ID', 'Specified resource ID does not exist.');
    if (authorization.status === 'VOIDED')
      return unprocessable('PREVIOUSLY_VOIDED', 'Authorization has been previously voided.');
    if (authorization.status !== 'CREATED')
      return unprocessable('CANNOT_BE_VOIDED', 'A captured or denied authorization cannot be voided.');
    authorization.status = 'VOIDED';
    authorization.update_time = now();
    return { status: 204, body: undefined };
  }

  function refundCapture(captureId: string, body: { amount?: Money }) {
    const order = orders.get(orderOfCapture.get(captureId) ?? '');
    const payments = order?.purchase_units[0]!.payments;
    const capture = payments?.captures?.find((item) => item.id === captureId);
    if (!payments || !capture)
      return error(404, 'RESOURCE_NOT_FOUND', 'INVALID_RESOURCE_ID', 'Specified resource ID does not exist.');
    if (capture.status !== 'COMPLETED' && capture.status !== 'PARTIALLY_REFUNDED')
      return unprocessable('CAPTURE_FULLY_REFUNDED', 'The capture has already been fully refunded.');
    const refunded = (payments.refunds ?? []).reduce((sum, refund) => sum + minor(refund.amount.value), 0);
    const remaining = minor(capture.amount.value) - refunded;
    const amount = body.amount ?? { currency_code: capture.amount.currency_code, value: decimal(remaining) };
    if (minor(amount.value) > remaining)
      return unprocessable(
        'REFUND_AMOUNT_EXCEEDED',
        'The refund amount must be less than or equal to the capture amount that has not yet been refunded.',
      );
    const time = now();
    const refund: Refund = {
      id: newId('R'),
      status: 'COMPLETED',
      amount,
      create_time: time,
      update_time: time,
    };
    payments.refunds = [...(payments.refunds ?? []), refund];
    capture.status = minor(amount.value) === remaining ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
    capture.update_time = time;
    return { status: 201, body: refund };
  }

  function withLinks(capture: Capture, orderId: string) {
    return { ...capture, supplementary_data: { related_ids: { order_id: orderId } } };
  }

  function getCapture(captureId: string) {
    const orderId = orderOfCapture.get(captureId) ?? '';
    const capture = orders
      .get(orderId)
      ?.purchase_units[0]!.payments.captures?.find((item) => item.id === captureId);
    if (!capture)
      return error(404, 'RESOURCE_NOT_FOUND', 'INVALID_RESOURCE_ID', 'Specified resource ID does not exist.');
    return { status: 200, body: withLinks(capture, orderId) };
  }

  function verifyWebhook(body: {
    transmission_id?: string;
    transmission_time?: string;
    transmission_sig?: string;
    webhook_id?: string;
    auth_algo?: string;
    webhook_event?: unknown;
  }) {
    const message = `${body.transmission_id}|${body.transmission_time}|${body.webhook_id}|${crc32(JSON.stringify(body.webhook_event))}`;
    const verified =
      body.auth_algo === 'SHA256withRSA' &&
      body.webhook_id === credentials.webhook_id &&
      typeof body.transmission_sig === 'string' &&
      createVerify('RSA-SHA256').update(message).verify(keys.publicKey, body.transmission_sig, 'base64');
    return { status: 200, body: { verification_status: verified ? 'SUCCESS' : 'FAILURE' } };
  }

  function route(method: string, path: string, body: Record<string, unknown>) {
    const match = (pattern: RegExp) => pattern.exec(path)?.[1];
    if (method === 'POST' && path === '/v2/checkout/orders') return createOrder(body);
    const orderId = match(/^\/v2\/checkout\/orders\/([^/]+)$/);
    if (method === 'GET' && orderId) {
      const order = orders.get(orderId);
      return order
        ? { status: 200, body: order }
        : error(404, 'RESOURCE_NOT_FOUND', 'INVALID_RESOURCE_ID', 'Specified resource ID does not exist.');
    }
    const toCapture = match(/^\/v2\/payments\/authorizations\/([^/]+)\/capture$/);
    if (method === 'POST' && toCapture) return captureAuthorization(toCapture, body);
    const toVoid = match(/^\/v2\/payments\/authorizations\/([^/]+)\/void$/);
    if (method === 'POST' && toVoid) return voidAuthorization(toVoid);
    const toRefund = match(/^\/v2\/payments\/captures\/([^/]+)\/refund$/);
    if (method === 'POST' && toRefund) return refundCapture(toRefund, body);
    const capture = match(/^\/v2\/payments\/captures\/([^/]+)$/);
    if (method === 'GET' && capture) return getCapture(capture);
    if (method === 'POST' && path === '/v1/notifications/verify-webhook-signature')
      return verifyWebhook(body);
    return error(404, 'NOT_FOUND', 'NOT_FOUND', `no route ${method} ${path}`);
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const send = (status: number, body: unknown) => {
      response.writeHead(status, {
        'content-type': 'application/json',
        'paypal-debug-id': randomBytes(6).toString('hex'),
      });
      response.end(body === undefined ? '' : JSON.stringify(body));
    };
    if (request.method === 'POST' && path === '/v1/oauth2/token') {
      const expected = `Basic ${Buffer.from(`${credentials.client_id}:${credentials.client_secret}`).toString('base64')}`;
      if (request.headers.authorization !== expected)
        return send(401, { error: 'invalid_client', error_description: 'Client Authentication failed' });
      const token = `A21AA${randomBytes(24).toString('hex')}`;
      tokens.add(token);
      return send(200, {
        scope: 'https://uri.paypal.com/services/payments/payment',
        access_token: token,
        token_type: 'Bearer',
        app_id: 'APP-80W284485P519543T',
        expires_in: 32400,
        nonce: `${now()}${randomBytes(8).toString('hex')}`,
      });
    }
    const token = request.headers.authorization?.replace(/^Bearer /, '') ?? '';
    if (!tokens.has(token))
      return send(401, { error: 'invalid_token', error_description: 'Token signature verification failed' });
    // PayPal takes JSON bodies only (415 otherwise).
    if (text && !request.headers['content-type']?.startsWith('application/json'))
      return send(415, {
        name: 'UNSUPPORTED_MEDIA_TYPE',
        message: 'The request payload is not supported.',
        debug_id: 'fixture',
      });
    let body: Record<string, unknown>;
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      return send(400, {
        name: 'INVALID_REQUEST',
        message: 'Request is not well-formed.',
        debug_id: 'fixture',
      });
    }
    const requestId = request.headers['paypal-request-id'];
    const prefer = request.headers.prefer;
    received.push({
      method: request.method ?? 'GET',
      path,
      requestId: typeof requestId === 'string' ? requestId : undefined,
      prefer: typeof prefer === 'string' ? prefer : undefined,
      forwardedHost:
        typeof request.headers['x-forwarded-host'] === 'string'
          ? request.headers['x-forwarded-host']
          : undefined,
      body,
    });
    if (failures.count > 0) {
      failures = { ...failures, count: failures.count - 1 };
      if (failures.mode === 'hang') {
        hanging.add(response);
        return;
      }
      if (failures.mode === 'error')
        return send(503, {
          name: 'SERVICE_UNAVAILABLE',
          message: 'Service Unavailable.',
          debug_id: 'fixture',
        });
      const name = errorNames[failures.mode] ?? 'UNKNOWN_ERROR';
      return send(failures.mode, {
        name,
        message: `Scripted ${failures.mode}.`,
        debug_id: 'fixture',
        details: [{ issue: name, description: `Scripted ${failures.mode}.` }],
      });
    }
    const replayKey = typeof requestId === 'string' ? `${request.method} ${path} ${requestId}` : undefined;
    const answer =
      (replayKey ? replays.get(replayKey) : undefined) ?? route(request.method ?? 'GET', path, body);
    if (replayKey && answer.status < 500) replays.set(replayKey, answer);
    // A write answers with the whole resource only when asked to (Prefer), as PayPal does.
    const isWrite = request.method === 'POST' && path !== '/v1/notifications/verify-webhook-signature';
    if (isWrite && prefer !== 'return=representation' && answer.status < 300 && answer.body) {
      const { id, status } = answer.body as { id?: string; status?: string };
      return send(answer.status, { id, status, links: [] });
    }
    return send(answer.status, answer.body);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((cause: unknown) => {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ name: 'INTERNAL_SERVER_ERROR', message: String(cause) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    credentials,
    failNext(count, mode) {
      failures = { count, mode };
    },
    requests: () => [...received],
    order: (id) => orders.get(id),
    holdCaptures(hold) {
      holdCaptures = hold;
    },
    webhook(event) {
      const body = JSON.stringify(event);
      const id = randomBytes(16).toString('hex');
      const time = now();
      const signature = createSign('RSA-SHA256')
        .update(`${id}|${time}|${credentials.webhook_id}|${crc32(body)}`)
        .sign(keys.privateKey, 'base64');
      return {
        body,
        headers: {
          'content-type': 'application/json',
          'paypal-transmission-id': id,
          'paypal-transmission-time': time,
          'paypal-transmission-sig': signature,
          'paypal-cert-url':
            'https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77',
          'paypal-auth-algo': 'SHA256withRSA',
        },
      };
    },
    captureOf(orderId) {
      return orders.get(orderId)?.purchase_units[0]!.payments.captures?.[0]?.id;
    },
    orderCount: () => orders.size,
    async stop() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
