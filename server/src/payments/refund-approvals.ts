import { formatDecimal } from '../kernel/money.ts';
import { actorOf, registerApprovalExecutor, requestApproval, type Approval } from '../approvals/index.ts';
import { AppError, isAppError } from '../kernel/errors.ts';
import type { MerchantPrincipal } from '../kernel/principal.ts';
import type { PaymentsDeps } from './merchants.ts';
import { createRefundSchema, type CreateRefund } from './model.ts';
import { createRefund } from './refunds.ts';
import { getPaymentRecord, requireMerchantRecord } from './service.ts';

/**
 * The refund route's approval gate: under the merchant's `refund` policy (an amount above its
 * threshold) the refund waits for approval and this returns the request (202); otherwise
 * undefined and the route refunds at once. The payment is checked first, so a refund that could
 * never be made (no such payment, a disputed one, more than is left) is refused now, with nothing asked.
 */
export async function requestRefundApproval(
  deps: PaymentsDeps,
  merchant: MerchantPrincipal,
  input: CreateRefund,
): Promise<Approval | undefined> {
  const payment = await getPaymentRecord(deps, merchant.merchantId, input.payment).catch((error: unknown) => {
    throw isAppError(error) && error.code === 'not_found'
      ? new AppError('not_found', `no payment ${input.payment}`, { param: 'payment' })
      : error;
  });
  const remaining = payment.amount_captured - payment.amount_refunded;
  const amount = input.amount ?? remaining;
  // createRefund says why; a dispute stays on its payment, so a disputed one is never refundable.
  if (payment.status !== 'succeeded' || payment.dispute || amount <= 0 || amount > remaining)
    return undefined;
  return requestApproval(deps, {
    merchantId: merchant.merchantId,
    ownerId: merchant.ownerId,
    action: 'refund',
    amount,
    currency: payment.currency,
    params: { ...input, amount },
    summary: `Refund of ${formatDecimal(amount, payment.currency)} ${payment.currency} on ${payment.id}`,
    requestedBy: actorOf(merchant),
  });
}

// An approved refund is made in the same transaction that marks its request executed.
registerApprovalExecutor('refund', {
  execute: async (deps, approval, commit) => {
    const input = createRefundSchema.parse({
      payment: approval.params.payment,
      amount: approval.params.amount,
      ...(approval.params.reason ? { reason: approval.params.reason } : {}),
    });
    const merchant = await requireMerchantRecord(deps, approval.merchant);
    const refund = await createRefund(
      deps,
      { merchantId: merchant.id, ownerId: merchant.owner },
      input,
      (made) => commit({ refund: made.id }),
    );
    return { refund: refund.id };
  },
});
