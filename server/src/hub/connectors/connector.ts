import type { Currency } from '../../kernel/money.ts';
import type { CardInput } from '../../payments/index.ts';
import type { DeclineCode, Provider } from '../intent-model.ts';

// The providers and the decline codes are part of a payment intent (intent-model.ts).
export { declineCodes, providers, type DeclineCode, type Provider } from '../intent-model.ts';

/** How the payer pays: a card, or their Sluice wallet (the payer approves a hold). */
export interface BankAccount {
  routing_number: string;
  account_number: string;
  account_holder_name: string;
  account_type: 'checking' | 'savings';
}
export type PaymentMethod =
  | { type: 'card'; card: CardInput }
  | { type: 'wallet'; wallet: { user: string } }
  | { type: 'bank_account'; bank_account: BankAccount };
export type PaymentMethodType = PaymentMethod['type'];

/**
 * What a provider says about a payment, in the hub's one vocabulary whatever the provider:
 * `authorized` (held, capturable), `captured`, `voided`, `refunded` (wholly), `declined` (a
 * business answer: never failed over), `pending` (the payer has to act), `processing` (submitted,
 * settling: an ACH debit until its settlement day).
 */
export const providerStatuses = [
  'authorized',
  'captured',
  'voided',
  'refunded',
  'declined',
  'pending',
  'processing',
] as const;
export type ProviderStatus = (typeof providerStatuses)[number];

export interface ProviderPayment {
  status: ProviderStatus;
  /** The provider's own id of the payment (`pay_…`, `ch_…`). */
  reference: string;
  amount_captured: number;
  decline_code: DeclineCode | null;
  /** Whether the provider reports a dispute on it (Stripe's `charge.disputed`). */
  disputed?: boolean;
}

export interface ProviderRefund {
  reference: string;
  amount: number;
}

/** Who the connector acts for, and with what. */
export interface ConnectorContext {
  merchantId: string;
  ownerId: string;
  /** The connector's id (`mca_…`): faults and breakers are per connector. */
  connectorId: string;
  /** The connector's credentials, unsealed for this call only; never logged or returned. */
  credentials: Readonly<Record<string, string>>;
}

export interface AuthorizeInput {
  amount: number;
  currency: Currency;
  payment_method: PaymentMethod;
  /** Capture at once (a sale) or only authorize. */
  capture: boolean;
  /**
   * The attempt's own key towards the provider: the same key never charges twice, and a lookup by
   * it finds what a timed-out call did.
   */
  idempotency_key: string;
  /** The hub's payment intent, for the provider's metadata. */
  intent: string;
}

/**
 * What the hub still knows of an attempt after a crash cut it off: its key, its intent and when it
 * started. Never the payment method: the hub does not keep card numbers.
 */
export interface AttemptKey {
  idempotency_key: string;
  intent: string;
  /** When the attempt started (ms since the epoch). */
  started_at: number;
}

/**
 * A provider outage as opposed to an answer: a timeout, a 5xx, a network error. Only these make
 * the hub try the next provider; a decline never does.
 */
export class TechnicalFailure extends Error {
  readonly kind: 'timeout' | 'server_error' | 'network';
  constructor(
    kind: 'timeout' | 'server_error' | 'network',
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = 'TechnicalFailure';
    this.kind = kind;
  }
}

export function isTechnicalFailure(error: unknown): error is TechnicalFailure {
  return error instanceof TechnicalFailure;
}

/**
 * One payment provider behind the hub. Every method is idempotent by its key, answers declines
 * as values, throws `TechnicalFailure` for outages and `AppError` for a request the provider
 * refuses as wrong (capturing too much, refunding a voided payment).
 *
 * Every connector passes `runConnectorContract` (connectors/contract.ts).
 */
export interface Connector {
  provider: Provider;
  /** The payment methods it takes. */
  methods: readonly PaymentMethodType[];
  /** Checks and normalizes credentials (throws a 400 naming the field); null: it needs none. */
  parseCredentials(raw: unknown): Record<string, string> | null;
  authorize(ctx: ConnectorContext, input: AuthorizeInput): Promise<ProviderPayment>;
  capture(
    ctx: ConnectorContext,
    reference: string,
    amount: number | undefined,
    key: string,
  ): Promise<ProviderPayment>;
  void(ctx: ConnectorContext, reference: string, key: string): Promise<ProviderPayment>;
  refund(ctx: ConnectorContext, reference: string, amount: number, key: string): Promise<ProviderRefund>;
  /** The payment as the provider has it now. */
  status(ctx: ConnectorContext, reference: string): Promise<ProviderPayment>;
  /**
   * What an authorize call with this key did at the provider, if it got there: how the hub
   * reconciles a call that timed out. Undefined when the provider never saw it.
   */
  lookup(ctx: ConnectorContext, input: AuthorizeInput): Promise<ProviderPayment | undefined>;
  /**
   * What an attempt did at the provider, found from its key alone (after a crash the hub has no
   * payment method to replay). Undefined when the provider never saw it. Absent when the provider
   * offers no way to find a payment by the caller's key (PayPal): the hub then records the attempt
   * as interrupted, with its key, for the merchant to look up.
   */
  find?(ctx: ConnectorContext, attempt: AttemptKey): Promise<ProviderPayment | undefined>;
}
