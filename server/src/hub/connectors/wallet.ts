import { isoTime } from '../../kernel/clock.ts';
import { AppError, isAppError } from '../../kernel/errors.ts';
import { derivedId, newId } from '../../kernel/ids.ts';
import type { Currency } from '../../kernel/money.ts';
import { createTransfers, getTransfer, type TransferRequest } from '../../ledger/index.ts';
import { ensureMerchantAccounts, merchantAccountId } from '../../payments/index.ts';
import { isTransactionCanceled, type WriteOperation } from '../../platform/store.ts';
import { ensureWallet, walletAccountId, type WalletDeps } from '../../wallet/index.ts';
import {
  attemptRefPut,
  readAttemptRef,
  readWalletPayment,
  walletPaymentMove,
  walletPaymentPut,
  walletPaymentRefund,
  type WalletPaymentRecord,
} from '../store.ts';
import type { Connector, ConnectorContext, DeclineCode, ProviderPayment } from './connector.ts';

export const walletLedgerCodes = { payment: 'hub_wallet_payment', refund: 'hub_wallet_refund' } as const;

function fromRecord(record: WalletPaymentRecord): ProviderPayment {
  const status =
    record.status === 'captured' && record.amount_refunded >= record.amount_captured
      ? 'refunded'
      : record.status;
  return {
    status,
    reference: record.reference,
    amount_captured: record.amount_captured,
    decline_code:
      record.status === 'declined' ? ((record.decline_code ?? 'generic_decline') as DeclineCode) : null,
  };
}

/** The wallet connector's extra step: the payer's answer to a payment asked of their wallet. */
export interface WalletApproval {
  approve(ctx: ConnectorContext, reference: string, payer: string): Promise<ProviderPayment>;
  reject(ctx: ConnectorContext, reference: string, payer: string): Promise<ProviderPayment>;
}

/**
 * Pay from a Sluice wallet. Authorizing asks the payer (status `pending`, nothing moves); when the
 * payer approves, the ledger holds the amount on their wallet (or, for a sale, moves it) towards
 * the merchant's available balance, since wallet money needs no card settlement. Capture posts the
 * hold, void releases it, a refund moves money back. The ledger's no-overdraft flag on the wallet
 * refuses an approval the wallet cannot cover: that is the decline (`insufficient_funds`).
 */
export function walletConnector(deps: WalletDeps): Connector & WalletApproval {
  const record = async (ctx: ConnectorContext, reference: string) => {
    const found = await readWalletPayment(deps.store, reference);
    if (!found || found.merchant !== ctx.merchantId)
      throw new AppError('not_found', `no wallet payment ${reference}`);
    return found;
  };
  const move = async (
    read: WalletPaymentRecord,
    transfer: TransferRequest | undefined,
    set: Parameters<typeof walletPaymentMove>[1],
    extra: WriteOperation[] = [],
  ) => {
    const operations = () => [walletPaymentMove(read, set), ...extra];
    try {
      if (transfer) await createTransfers(deps, [transfer], { operations });
      else await deps.store.transact(operations());
    } catch (error) {
      if (!isTransactionCanceled(error)) throw error;
      throw new AppError('conflict', `wallet payment ${read.reference} changed meanwhile`);
    }
    return fromRecord({ ...read, ...set });
  };
  // Ids of the transfers that resolve a hold, fixed by the caller's key: a retry posts nothing twice.
  const transferIdFor = (read: WalletPaymentRecord, key: string) =>
    derivedId('transfer', Date.parse(read.created_at), key);

  // What the attempt with this key created here, by the reference its own transaction recorded.
  const find = async (ctx: ConnectorContext, key: string) => {
    const reference = await readAttemptRef(deps.store, key);
    return reference === undefined ? undefined : fromRecord(await record(ctx, reference));
  };
  return {
    provider: 'wallet',
    methods: ['wallet'],
    parseCredentials: (raw) => {
      if (raw !== undefined && (typeof raw !== 'object' || raw === null || Object.keys(raw).length > 0))
        throw new AppError('validation_failed', 'wallet takes no credentials', { param: 'credentials' });
      return null;
    },
    async authorize(ctx, input) {
      const existing = await readAttemptRef(deps.store, input.idempotency_key);
      if (existing !== undefined) return fromRecord(await record(ctx, existing));
      if (input.payment_method.type !== 'wallet')
        throw new AppError('validation_failed', 'wallet takes wallet payments only', {
          param: 'payment_method',
        });
      const payer = await deps.users.getUser(input.payment_method.wallet.user);
      const declined = (code: DeclineCode): ProviderPayment => ({
        status: 'declined',
        reference: '',
        amount_captured: 0,
        decline_code: code,
      });
      if (!payer || input.currency !== deps.config.walletCurrency || payer.id === ctx.ownerId)
        return declined('invalid_payment_method');
      const now = deps.clock.now();
      const created: WalletPaymentRecord = {
        reference: newId('transfer', now),
        merchant: ctx.merchantId,
        payer: payer.id,
        amount: input.amount,
        currency: input.currency,
        capture: input.capture,
        status: 'pending',
        decline_code: null,
        amount_captured: 0,
        amount_refunded: 0,
        created_at: isoTime(now),
      };
      await deps.store.transact([
        walletPaymentPut(created),
        attemptRefPut(input.idempotency_key, created.reference),
      ]);
      return fromRecord(created);
    },
    async approve(ctx, reference, payerId) {
      const read = await record(ctx, reference);
      if (read.payer !== payerId) throw new AppError('not_found', `no wallet payment ${reference}`);
      if (read.status !== 'pending') return fromRecord(read);
      const currency = read.currency as Currency;
      await ensureWallet(deps, payerId);
      await ensureMerchantAccounts(deps, read.merchant, currency);
      try {
        return await move(
          read,
          {
            kind: read.capture ? 'posted' : 'pending',
            id: read.reference,
            debit_account_id: walletAccountId(payerId, currency),
            credit_account_id: merchantAccountId(read.merchant, 'available', currency),
            amount: read.amount,
            currency,
            code: walletLedgerCodes.payment,
            metadata: { merchant: read.merchant, payer: payerId },
          },
          read.capture ? { status: 'captured', amount_captured: read.amount } : { status: 'authorized' },
        );
      } catch (error) {
        if (!isAppError(error) || error.code !== 'insufficient_funds') throw error;
        return move(read, undefined, { status: 'declined', decline_code: 'insufficient_funds' });
      }
    },
    async reject(ctx, reference, payerId) {
      const read = await record(ctx, reference);
      if (read.payer !== payerId) throw new AppError('not_found', `no wallet payment ${reference}`);
      if (read.status !== 'pending') return fromRecord(read);
      return move(read, undefined, { status: 'declined', decline_code: 'generic_decline' });
    },
    async capture(ctx, reference, amount, key) {
      const read = await record(ctx, reference);
      if (read.status !== 'authorized')
        throw new AppError(
          'invalid_state_transition',
          `cannot capture a wallet payment that is ${read.status}`,
        );
      const captured = amount ?? read.amount;
      if (captured > read.amount)
        throw new AppError('validation_failed', `at most ${read.amount} can be captured`, {
          param: 'amount',
        });
      return move(
        read,
        { kind: 'post_pending', id: transferIdFor(read, key), pending_id: read.reference, amount: captured },
        { status: 'captured', amount_captured: captured },
      );
    },
    async void(ctx, reference, key) {
      const read = await record(ctx, reference);
      // An ask the payer has not answered holds nothing: voiding it withdraws it (an attempt cut off
      // or timed out before its intent asked the payer, whom nothing then asks again).
      if (read.status === 'pending') return move(read, undefined, { status: 'voided' });
      if (read.status !== 'authorized')
        throw new AppError('invalid_state_transition', `cannot void a wallet payment that is ${read.status}`);
      return move(
        read,
        { kind: 'void_pending', id: transferIdFor(read, key), pending_id: read.reference },
        { status: 'voided' },
      );
    },
    async refund(ctx, reference, amount, key) {
      const read = await record(ctx, reference);
      // The refund this key already made (its transfer's id comes from the key), as it was made.
      const id = transferIdFor(read, key);
      const made = await getTransfer(deps, id);
      if (made) return { reference: id, amount: made.amount };
      if (read.status !== 'captured' || read.amount_refunded + amount > read.amount_captured)
        throw new AppError(
          'invalid_state_transition',
          `cannot refund ${amount} of wallet payment ${reference}`,
        );
      const currency = read.currency as Currency;
      try {
        await createTransfers(
          deps,
          [
            {
              id,
              debit_account_id: merchantAccountId(read.merchant, 'available', currency),
              credit_account_id: walletAccountId(read.payer, currency),
              amount,
              currency,
              code: walletLedgerCodes.refund,
              metadata: { merchant: read.merchant, payment: read.reference },
            },
          ],
          { operations: () => [walletPaymentRefund(read, amount)] },
        );
      } catch (error) {
        if (isTransactionCanceled(error))
          throw new AppError('conflict', `wallet payment ${reference} changed meanwhile`);
        throw error;
      }
      return { reference: id, amount };
    },
    status: async (ctx, reference) => fromRecord(await record(ctx, reference)),
    lookup: (ctx, input) => find(ctx, input.idempotency_key),
    find: (ctx, attempt) => find(ctx, attempt.idempotency_key),
  };
}
