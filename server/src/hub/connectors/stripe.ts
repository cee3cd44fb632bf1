import Stripe from 'stripe';
import { AppError } from '../../kernel/errors.ts';
import {
  declineCodes,
  TechnicalFailure,
  type AuthorizeInput,
  type Connector,
  type ConnectorContext,
  type DeclineCode,
  type ProviderPayment,
} from './connector.ts';

/** Where the SDK sends its requests: Stripe itself unless a test points it at a local server. */
export interface StripeEndpoint {
  host: string;
  port: number;
  protocol: 'http' | 'https';
}

export interface StripeConnectorOptions {
  endpoint?: StripeEndpoint;
  /** Per request (10 s unless set); past it the call counts as a timeout (a technical failure). */
  timeoutMs?: number;
  /**
   * Builds the SDK's client for a secret key from the configuration the connector chose: `new
   * Stripe` unless a test wraps it (to see the timeout reach the SDK's requests, say).
   */
  createClient?: (secretKey: string, config: Stripe.StripeConfig) => Stripe;
}

/**
 * Stripe's published test cards, as the tokens Stripe's test mode accepts for them. The hub never
 * sends a card number to Stripe (that would put the platform in PCI scope for raw PANs): a test
 * card maps to its token, and any other number is refused as an invalid payment method.
 */
const testTokens: Readonly<Record<string, string>> = {
  '4242424242424242': 'tok_visa',
  '5555555555554444': 'tok_mastercard',
  '378282246310005': 'tok_amex',
  '4000000000000002': 'tok_chargeDeclined',
  '4000000000009995': 'tok_chargeDeclinedInsufficientFunds',
  '4100000000000019': 'tok_chargeDeclinedFraudulent',
  '4000000000000127': 'tok_chargeDeclinedIncorrectCvc',
  '4000000000000069': 'tok_chargeDeclinedExpiredCard',
  '4000000000000119': 'tok_chargeDeclinedProcessingError',
  '4000000000000259': 'tok_createDispute',
};

const secretKeyPattern = /^(sk|rk)_(test|live)_[A-Za-z0-9]{8,200}$/;
const webhookSecretPattern = /^whsec_[A-Za-z0-9+/=_-]{8,200}$/;

function toDeclineCode(code: string | undefined): DeclineCode {
  if (code === 'card_declined' || code === undefined) return 'generic_decline';
  return declineCodes.includes(code as DeclineCode) ? (code as DeclineCode) : 'generic_decline';
}

function fromCharge(charge: Stripe.Charge): ProviderPayment {
  const status =
    charge.status === 'failed'
      ? 'declined'
      : charge.refunded
        ? charge.captured
          ? 'refunded'
          : 'voided'
        : charge.captured
          ? 'captured'
          : charge.status === 'pending'
            ? 'pending'
            : 'authorized';
  return {
    status,
    reference: charge.id,
    amount_captured: charge.captured ? (charge.amount_captured ?? charge.amount) : 0,
    decline_code: charge.status === 'failed' ? toDeclineCode(charge.outcome?.reason ?? undefined) : null,
    disputed: charge.disputed,
  };
}

/**
 * Turns the SDK's errors into the hub's: a card error is a decline (a value), a connection error,
 * a 5xx or a 429 is a technical failure (the hub fails over), a 409 (the key's first request still
 * under way) an outcome not known yet, like a timeout; an invalid request is the caller's
 * mistake. The message never carries the key (the SDK redacts it; we add nothing of ours).
 */
function translate(error: unknown): never | ProviderPayment {
  if (!(error instanceof Stripe.errors.StripeError)) throw error;
  if (error.type === 'StripeCardError')
    return {
      status: 'declined',
      reference: error.charge ?? '',
      amount_captured: 0,
      // The SDK gives a card error without a decline code `decline_code: ''`; the error's own code
      // (`incorrect_cvc`, `expired_card`, `processing_error`) names the decline then.
      decline_code: toDeclineCode(error.decline_code || error.code),
    };
  if (error.type === 'StripeConnectionError')
    throw new TechnicalFailure(
      /timed? ?out/i.test(error.message) ? 'timeout' : 'network',
      'stripe could not be reached',
    );
  // 409: a request with this key is still under way at Stripe (Stripe answers so while the
  // first is running). Its outcome is not known yet: as after a timeout, the hub asks by the key
  // and undoes what it finds, or asks again later, rather than failing over blind.
  if (error.statusCode === 409)
    throw new TechnicalFailure('timeout', 'stripe is still processing a request with this key');
  if (
    error.type === 'StripeAPIError' ||
    error.type === 'StripeRateLimitError' ||
    (error.statusCode ?? 0) >= 500
  )
    throw new TechnicalFailure('server_error', `stripe answered ${error.statusCode ?? 'an error'}`);
  if (error.type === 'StripeAuthenticationError' || error.type === 'StripePermissionError')
    throw new AppError('invalid_request', 'stripe refused the connector credentials', {
      param: 'credentials.secret_key',
    });
  throw new AppError('invalid_request', `stripe refused the request: ${error.code ?? error.type}`, {
    details: { provider_code: error.code ?? null },
  });
}

/**
 * Stripe through the official SDK, on the Charges API: a charge with `capture: false` is an
 * authorization, `charges.capture` captures, a full refund of an uncaptured charge voids it (as
 * Stripe documents), refunds are Refunds. Every write carries the attempt's idempotency key, so
 * `lookup` replays the create with the same key and Stripe answers with what the first call did.
 * The SDK's own retries are off: the hub decides retries and failover.
 */
export function stripeConnector(options: StripeConnectorOptions = {}): Connector & {
  parseWebhook(ctx: ConnectorContext, payload: string, signature: string): Stripe.Event;
} {
  const clients = new Map<string, Stripe>();
  const createClient = options.createClient ?? ((key, config) => new Stripe(key, config));
  const client = (ctx: ConnectorContext): Stripe => {
    const key = ctx.credentials.secret_key;
    if (!key)
      throw new AppError('invalid_request', 'the stripe connector has no secret_key', {
        param: 'credentials.secret_key',
      });
    let stripe = clients.get(key);
    if (!stripe) {
      stripe = createClient(key, {
        maxNetworkRetries: 0,
        timeout: options.timeoutMs ?? 10_000,
        telemetry: false,
        ...(options.endpoint ? options.endpoint : {}),
      });
      clients.set(key, stripe);
    }
    return stripe;
  };
  const createParams = (input: AuthorizeInput): Stripe.ChargeCreateParams | undefined => {
    if (input.payment_method.type !== 'card') return undefined;
    const source = testTokens[input.payment_method.card.number];
    if (!source) return undefined;
    return {
      amount: input.amount,
      currency: input.currency.toLowerCase(),
      source,
      capture: input.capture,
      // The attempt's key as well as Stripe's Idempotency-Key: `find` looks for it after a crash.
      metadata: { payment_intent: input.intent, attempt: input.idempotency_key },
    };
  };
  const create = async (ctx: ConnectorContext, input: AuthorizeInput) => {
    const params = createParams(input);
    if (!params)
      return {
        status: 'declined',
        reference: '',
        amount_captured: 0,
        decline_code: 'invalid_payment_method',
      } as const;
    try {
      return fromCharge(await client(ctx).charges.create(params, { idempotencyKey: input.idempotency_key }));
    } catch (error) {
      return translate(error);
    }
  };
  const call = async (run: () => Promise<Stripe.Charge>) => {
    try {
      return fromCharge(await run());
    } catch (error) {
      return translate(error);
    }
  };
  return {
    provider: 'stripe',
    methods: ['card'],
    parseCredentials(raw) {
      const credentials = (raw ?? {}) as Record<string, unknown>;
      if (typeof raw !== 'object' || raw === null)
        throw new AppError('validation_failed', 'stripe needs credentials {secret_key, webhook_secret}', {
          param: 'credentials',
        });
      for (const name of Object.keys(credentials))
        if (name !== 'secret_key' && name !== 'webhook_secret')
          throw new AppError(
            'validation_failed',
            `stripe credentials take secret_key and webhook_secret, not ${name}`,
            {
              param: `credentials.${name}`,
            },
          );
      if (typeof credentials.secret_key !== 'string' || !secretKeyPattern.test(credentials.secret_key))
        throw new AppError(
          'validation_failed',
          'credentials.secret_key must be a Stripe secret key (sk_test_… or sk_live_…)',
          {
            param: 'credentials.secret_key',
          },
        );
      if (
        typeof credentials.webhook_secret !== 'string' ||
        !webhookSecretPattern.test(credentials.webhook_secret)
      )
        throw new AppError(
          'validation_failed',
          'credentials.webhook_secret must be a Stripe webhook signing secret (whsec_…)',
          {
            param: 'credentials.webhook_secret',
          },
        );
      return { secret_key: credentials.secret_key, webhook_secret: credentials.webhook_secret };
    },
    authorize: create,
    capture: (ctx, reference, amount, key) =>
      call(() =>
        client(ctx).charges.capture(reference, amount === undefined ? {} : { amount }, {
          idempotencyKey: key,
        }),
      ),
    async void(ctx, reference, key) {
      try {
        await client(ctx).refunds.create({ charge: reference }, { idempotencyKey: key });
      } catch (error) {
        translate(error);
      }
      return call(() => client(ctx).charges.retrieve(reference));
    },
    async refund(ctx, reference, amount, key) {
      try {
        const refund = await client(ctx).refunds.create(
          { charge: reference, amount },
          { idempotencyKey: key },
        );
        return { reference: refund.id, amount: refund.amount };
      } catch (error) {
        translate(error);
        // A card error, which is no decline here: the refund was refused and nothing refunded.
        const code = (error as Stripe.errors.StripeCardError).code || 'card_error';
        throw new AppError('invalid_request', `stripe refused the refund: ${code}`, {
          details: { provider_code: code },
        });
      }
    },
    status: (ctx, reference) => call(() => client(ctx).charges.retrieve(reference)),
    // Replaying the create with the same key and body: Stripe answers what the first call did, or
    // (if it never arrived) does it now; either way the hub then holds the one charge to undo.
    lookup: async (ctx, input) => {
      const found = await create(ctx, input);
      return found.reference ? found : undefined;
    },
    // Charges created around the attempt's start whose metadata names its key (Stripe keeps no
    // index by Idempotency-Key). Reads at most 1,000 charges of that window.
    async find(ctx, attempt) {
      const seconds = Math.floor(attempt.started_at / 1000);
      const charges = client(ctx).charges.list({
        created: { gte: seconds - 300, lte: seconds + 900 },
        limit: 100,
      });
      let read = 0;
      try {
        for await (const charge of charges) {
          if (charge.metadata?.attempt === attempt.idempotency_key) return fromCharge(charge);
          if (++read >= 1_000) break;
        }
      } catch (error) {
        translate(error);
      }
      return undefined;
    },
    parseWebhook(ctx, payload, signature) {
      const secret = ctx.credentials.webhook_secret;
      if (!secret) throw new AppError('invalid_request', 'the stripe connector has no webhook_secret');
      try {
        return client(ctx).webhooks.constructEvent(payload, signature, secret);
      } catch (error) {
        if (error instanceof Stripe.errors.StripeSignatureVerificationError)
          throw new AppError('invalid_request', 'the Stripe-Signature does not verify', {
            param: 'Stripe-Signature',
          });
        throw error;
      }
    },
  };
}
