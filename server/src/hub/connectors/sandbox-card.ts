import { AppError, isAppError } from '../../kernel/errors.ts';
import type { Currency } from '../../kernel/money.ts';
import {
  capturePayment,
  createPayment,
  createRefund,
  getPayment,
  getRefund,
  voidPayment,
  type Payment,
  type PaymentsDeps,
} from '../../payments/index.ts';
import { attemptRefCreate, attemptRefPut, readAttemptRef } from '../store.ts';
import {
  declineCodes,
  type AuthorizeInput,
  type Connector,
  type ConnectorContext,
  type DeclineCode,
  type ProviderPayment,
} from './connector.ts';

function toDeclineCode(code: unknown): DeclineCode {
  return declineCodes.includes(code as DeclineCode) ? (code as DeclineCode) : 'generic_decline';
}

function fromPayment(payment: Payment): ProviderPayment {
  const status =
    payment.status === 'requires_capture'
      ? 'authorized'
      : payment.status === 'succeeded'
        ? payment.amount_refunded >= payment.amount_captured
          ? 'refunded'
          : 'captured'
        : payment.status === 'canceled'
          ? 'voided'
          : 'declined';
  return {
    status,
    reference: payment.id,
    amount_captured: payment.amount_captured,
    decline_code: payment.status === 'failed' ? toDeclineCode(payment.decline_code) : null,
    disputed: payment.dispute !== null,
  };
}

/**
 * The sandbox's own card network, through the payments module's exported API: an authorization is
 * a sandbox payment (a ledger hold, or a posted charge with capture). The attempt's key is recorded
 * in the payment's own transaction, so a call whose answer was lost is found again, and a second
 * call with the same key never charges twice.
 */
export function sandboxCardConnector(deps: PaymentsDeps): Connector {
  const actor = (ctx: ConnectorContext) => ({ merchantId: ctx.merchantId, ownerId: ctx.ownerId });
  const lookup = async (ctx: ConnectorContext, key: string) => {
    const reference = await readAttemptRef(deps.store, key);
    return reference === undefined
      ? undefined
      : fromPayment(await getPayment(deps, ctx.merchantId, reference));
  };
  return {
    provider: 'sandbox_card',
    methods: ['card'],
    parseCredentials: (raw) => {
      if (raw !== undefined && (typeof raw !== 'object' || raw === null || Object.keys(raw).length > 0))
        throw new AppError('validation_failed', 'sandbox_card takes no credentials', {
          param: 'credentials',
        });
      return null;
    },
    async authorize(ctx, input: AuthorizeInput) {
      const existing = await lookup(ctx, input.idempotency_key);
      if (existing) return existing;
      if (input.payment_method.type !== 'card')
        throw new AppError('validation_failed', 'sandbox_card takes cards only', { param: 'payment_method' });
      try {
        return fromPayment(
          await createPayment(
            deps,
            actor(ctx),
            {
              amount: input.amount,
              currency: input.currency as Exclude<Currency, 'COIN'>,
              card: input.payment_method.card,
              capture: input.capture,
              metadata: { payment_intent: input.intent },
            },
            (payment) => [attemptRefPut(input.idempotency_key, payment.id)],
          ),
        );
      } catch (error) {
        if (!isAppError(error)) throw error;
        if (error.code === 'card_declined') {
          const reference = String(error.details?.payment_id ?? '');
          return {
            status: 'declined',
            reference,
            amount_captured: 0,
            decline_code: toDeclineCode(error.details?.decline_code),
          };
        }
        // The card itself is refused (a bad number or expiry): an answer, not an outage.
        if (error.code === 'invalid_card')
          return {
            status: 'declined',
            reference: '',
            amount_captured: 0,
            decline_code: 'invalid_payment_method',
          };
        throw error;
      }
    },
    capture: async (ctx, reference, amount) =>
      fromPayment(await capturePayment(deps, actor(ctx), reference, amount)),
    void: async (ctx, reference) => fromPayment(await voidPayment(deps, actor(ctx), reference)),
    async refund(ctx, reference, amount, key) {
      // The refund this key already made, as it was made (a caller may ask another amount).
      const made = async () => {
        const existing = await readAttemptRef(deps.store, key);
        if (existing === undefined) return undefined;
        const refund = await getRefund(deps, ctx.merchantId, existing);
        return { reference: refund.id, amount: refund.amount };
      };
      const before = await made();
      if (before) return before;
      try {
        const refund = await createRefund(deps, actor(ctx), { payment: reference, amount }, (created) => [
          attemptRefCreate(key, created.id),
        ]);
        return { reference: refund.id, amount: refund.amount };
      } catch (error) {
        // A concurrent call with this key made the refund first: that one is the answer.
        const raced = await made();
        if (raced) return raced;
        throw error;
      }
    },
    status: async (ctx, reference) => fromPayment(await getPayment(deps, ctx.merchantId, reference)),
    lookup: (ctx, input) => lookup(ctx, input.idempotency_key),
    find: (ctx, attempt) => lookup(ctx, attempt.idempotency_key),
  };
}
