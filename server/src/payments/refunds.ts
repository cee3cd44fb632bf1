import { isoTime } from '../kernel/clock.ts';
import { AppError, isAppError } from '../kernel/errors.ts';
import { newId } from '../kernel/ids.ts';
import { createTransfers, systemAccountId } from '../ledger/index.ts';
import { explainBalanceRefusal } from './balance.ts';
import { paymentEvent } from './events.ts';
import { merchantAccountId, ownedBy, sandboxNow, type PaymentsDeps } from './merchants.ts';
import { paymentCodes, type CreateRefund, type Refund } from './model.ts';
import { getPaymentRecord, requireMerchantRecord, type MerchantActor, type Respond } from './service.ts';
import { paymentRefundAdd } from './store/payments.ts';
import { readRefund, refundPut } from './store/refunds.ts';

/**
 * Refunds part or all (the default) of what a payment captured and has not yet refunded; may be
 * repeated. The money goes back to the card network from where the payment's funds are: the
 * merchant's pending account before the payment is settled, its available account after, which
 * may go negative down to the merchant's floor (`balance.ts`): a refund beyond it is refused with
 * 402 `balance_insufficient` and writes nothing. The
 * payment's update is conditional on that settled state, so a refund racing settlement is judged
 * again rather than debiting the wrong account.
 */
export async function createRefund(
  deps: PaymentsDeps,
  actor: MerchantActor,
  input: CreateRefund,
  respond?: Respond<Refund>,
): Promise<Refund> {
  const merchant = await requireMerchantRecord(deps, actor.merchantId);
  let payment = await getPaymentRecord(deps, merchant.id, input.payment).catch((error: unknown) => {
    throw isAppError(error) && error.code === 'not_found'
      ? new AppError('not_found', `no payment ${input.payment}`, { param: 'payment' })
      : error;
  });
  for (let attempt = 0; ; attempt++) {
    if (payment.status !== 'succeeded') {
      throw new AppError('invalid_state_transition', `cannot refund a payment that is ${payment.status}`, {
        details: { status: payment.status },
      });
    }
    if (payment.dispute)
      throw new AppError(
        'invalid_state_transition',
        `cannot refund a disputed payment (${payment.dispute})`,
        { details: { dispute: payment.dispute } },
      );
    const remaining = payment.amount_captured - payment.amount_refunded;
    const amount = input.amount ?? remaining;
    if (amount <= 0 || amount > remaining) {
      throw new AppError(
        'amount_too_large',
        remaining === 0
          ? 'the payment is already fully refunded'
          : `cannot refund ${amount}: at most ${remaining} is left to refund`,
        { param: 'amount' },
      );
    }
    const at = isoTime(sandboxNow(deps, merchant));
    const refund: Refund = {
      id: newId('refund', deps.clock.now()),
      object: 'refund',
      merchant: merchant.id,
      payment: payment.id,
      amount,
      currency: payment.currency,
      reason: input.reason ?? null,
      status: 'succeeded',
      created_at: at,
    };
    const currency = payment.currency;
    try {
      await createTransfers(
        deps,
        [
          {
            id: newId('transfer', deps.clock.now()),
            debit_account_id: merchantAccountId(
              merchant.id,
              payment.settlement ? 'available' : 'pending',
              currency,
            ),
            credit_account_id: systemAccountId('card_network', currency),
            amount,
            currency,
            code: paymentCodes.refund,
            metadata: { payment: payment.id, refund: refund.id, merchant: merchant.id },
          },
        ],
        {
          event: paymentEvent('refund.succeeded', actor, refund),
          operations: () => [
            refundPut(refund),
            paymentRefundAdd(payment, amount, at),
            ...(respond?.(refund) ?? []),
          ],
        },
      );
      return refund;
    } catch (error) {
      // Another refund landed between the read and the write: judge again against the new total.
      if (!(isAppError(error) && error.code === 'conflict') || attempt >= 5)
        throw await explainBalanceRefusal(deps, error, merchant.id, currency, `refunding ${amount}`);
      payment = await getPaymentRecord(deps, merchant.id, payment.id);
    }
  }
}

export async function getRefund(deps: PaymentsDeps, merchantId: string, refundId: string): Promise<Refund> {
  return ownedBy(await readRefund(deps.store, refundId), merchantId, 'refund', refundId);
}
