import { isoTime } from '../../kernel/clock.ts';
import { AppError, isAppError } from '../../kernel/errors.ts';
import { derivedId, newId } from '../../kernel/ids.ts';
import { createTransfers, ensureSystemAccount, systemAccountId } from '../../ledger/index.ts';
import {
  ensureMerchantAccounts,
  getMerchantRecord,
  merchantAccountId,
  sandboxNow,
  type PaymentsDeps,
} from '../../payments/index.ts';
import { addBusinessDays, businessDayOf } from '../ach/calendar.ts';
import { isRoutingNumber } from '../ach/nacha.ts';
import { sealCredentials, type CredentialDeps } from '../credentials.ts';
import {
  achEntryMove,
  achEntryPuts,
  achEntryRefund,
  achSequencePut,
  attemptRefPut,
  readAchEntry,
  readAchSequence,
  readAttemptRef,
  type AchEntryRecord,
} from '../store.ts';
import type { Connector, ConnectorContext, ProviderPayment } from './connector.ts';

export const achLedgerCodes = {
  debit: 'hub_ach_debit',
  settle: 'hub_ach_settle',
  return: 'hub_ach_return',
  credit: 'hub_ach_credit',
  /** A returned payout credit, paid back by the bank to the balance it came from. */
  creditReturn: 'hub_ach_credit_return',
} as const;

/** The ACH calendar's days, for the hub's other ACH users. */
export { addBusinessDays, businessDayOf };

function fromEntry(entry: AchEntryRecord): ProviderPayment {
  const status =
    entry.status === 'pending'
      ? 'processing'
      : entry.status === 'returned'
        ? 'declined'
        : entry.status === 'canceled'
          ? 'voided'
          : entry.amount_refunded >= entry.amount
            ? 'refunded'
            : 'captured';
  return {
    status,
    reference: entry.reference,
    amount_captured: entry.status === 'settled' ? entry.amount : 0,
    decline_code: entry.status === 'returned' ? 'generic_decline' : null,
  };
}

/**
 * Bank debits by ACH. A debit is an entry in the merchant's NACHA file of the business day, held
 * in the ledger from the bank towards the merchant's available balance (a pending transfer) until
 * it settles two business days later on the merchant's sandbox clock (`settleDueAch`); a return
 * (R01, R02, R03 …) before then voids the hold, after it reverses the credit (`applyReturnFile`).
 * A refund is a credit entry in the day's file, paid from the merchant's available balance.
 * Credentials: the originator's `company_name`, `company_id` and `odfi_routing_number` (its bank).
 */
export function achConnector(deps: PaymentsDeps & CredentialDeps): Connector {
  const record = async (ctx: ConnectorContext, reference: string) => {
    const entry = await readAchEntry(deps.store, reference);
    if (!entry || entry.merchant !== ctx.merchantId)
      throw new AppError('not_found', `no ACH entry ${reference}`);
    return entry;
  };
  /** Writes a new entry with the merchant's next trace number, retrying when another took it first. */
  const addEntry = async (
    ctx: ConnectorContext,
    make: (trace: string) => AchEntryRecord,
    write: (entry: AchEntryRecord, extra: ReturnType<typeof achEntryPuts>) => Promise<void>,
  ): Promise<AchEntryRecord> => {
    const odfi = ctx.credentials.odfi_routing_number!.slice(0, 8);
    for (let attempt = 0; ; attempt++) {
      const seq = await readAchSequence(deps.store, ctx.merchantId);
      const entry = make(`${odfi}${String(seq + 1).padStart(7, '0')}`);
      try {
        await write(entry, [achSequencePut(ctx.merchantId, seq), ...achEntryPuts(entry)]);
        return entry;
      } catch (error) {
        if (!(isAppError(error) && error.code === 'conflict') || attempt >= 20) throw error;
      }
    }
  };
  const notSupported = (what: string) => {
    throw new AppError(
      'invalid_state_transition',
      `an ACH debit cannot be ${what}: it is taken when submitted`,
    );
  };
  // What the attempt with this key created here, by the reference its own transaction recorded.
  const find = async (ctx: ConnectorContext, key: string) => {
    const reference = await readAttemptRef(deps.store, key);
    return reference === undefined ? undefined : fromEntry(await record(ctx, reference));
  };
  return {
    provider: 'ach',
    methods: ['bank_account'],
    parseCredentials(raw) {
      if (typeof raw !== 'object' || raw === null)
        throw new AppError(
          'validation_failed',
          'ach needs credentials {company_name, company_id, odfi_routing_number}',
          {
            param: 'credentials',
          },
        );
      const credentials = raw as Record<string, unknown>;
      for (const name of Object.keys(credentials))
        if (!['company_name', 'company_id', 'odfi_routing_number'].includes(name))
          throw new AppError(
            'validation_failed',
            `ach credentials take company_name, company_id and odfi_routing_number, not ${name}`,
            {
              param: `credentials.${name}`,
            },
          );
      const { company_name, company_id, odfi_routing_number } = credentials;
      if (typeof company_name !== 'string' || !/^[A-Za-z0-9 .,&-]{1,16}$/.test(company_name))
        throw new AppError(
          'validation_failed',
          'credentials.company_name must be 1 to 16 letters, digits or spaces',
          {
            param: 'credentials.company_name',
          },
        );
      if (typeof company_id !== 'string' || !/^[A-Za-z0-9]{10}$/.test(company_id))
        throw new AppError('validation_failed', 'credentials.company_id must be 10 letters or digits', {
          param: 'credentials.company_id',
        });
      if (typeof odfi_routing_number !== 'string' || !isRoutingNumber(odfi_routing_number))
        throw new AppError(
          'validation_failed',
          'credentials.odfi_routing_number must be a valid ABA routing number',
          {
            param: 'credentials.odfi_routing_number',
          },
        );
      return { company_name, company_id, odfi_routing_number };
    },
    async authorize(ctx, input) {
      const existing = await readAttemptRef(deps.store, input.idempotency_key);
      if (existing !== undefined) return fromEntry(await record(ctx, existing));
      const declined = {
        status: 'declined',
        reference: '',
        amount_captured: 0,
        decline_code: 'invalid_payment_method',
      } as const;
      // ACH moves US dollars only, and debits are taken when submitted (no authorization to capture later).
      if (input.payment_method.type !== 'bank_account' || input.currency !== 'USD' || !input.capture)
        return declined;
      const account = input.payment_method.bank_account;
      const merchant = await getMerchantRecord(deps, ctx.merchantId);
      if (!merchant) throw new AppError('not_found', `no merchant ${ctx.merchantId}`);
      const now = sandboxNow(deps, merchant);
      const day = businessDayOf(now);
      await ensureMerchantAccounts(deps, ctx.merchantId, 'USD');
      await ensureSystemAccount(deps, 'bank', 'USD');
      const sealed = await sealCredentials(deps, { account_number: account.account_number });
      const reference = newId('transfer', deps.clock.now());
      const entry = await addEntry(
        ctx,
        (trace) => ({
          reference,
          merchant: ctx.merchantId,
          kind: 'debit',
          debit: null,
          amount: input.amount,
          routing_number: account.routing_number,
          sealed_account: sealed,
          account_last4: account.account_number.slice(-4),
          account_type: account.account_type,
          account_holder_name: account.account_holder_name,
          trace_number: trace,
          day,
          settle_on: addBusinessDays(day, 2),
          status: 'pending',
          return_code: null,
          amount_refunded: 0,
          created_at: isoTime(now),
          standard_entry_class: 'PPD',
          origin: null,
        }),
        async (entry, puts) => {
          await createTransfers(
            deps,
            [
              {
                kind: 'pending',
                id: entry.reference,
                debit_account_id: systemAccountId('bank', 'USD'),
                credit_account_id: merchantAccountId(ctx.merchantId, 'available', 'USD'),
                amount: entry.amount,
                currency: 'USD',
                code: achLedgerCodes.debit,
                metadata: { merchant: ctx.merchantId, trace: entry.trace_number, intent: input.intent },
              },
            ],
            { operations: () => [...puts, attemptRefPut(input.idempotency_key, entry.reference)] },
          );
        },
      );
      return fromEntry(entry);
    },
    capture: async () => notSupported('captured'),
    /**
     * Takes a debit back before its file goes out: only on the business day it was made (the day's
     * file goes to the bank at its end), by voiding its hold; the entry leaves the file and never
     * settles. Afterwards only a return or a refund undoes it. What undoes a debit whose answer was
     * lost (`reconcile`) before anything was collected.
     */
    async void(ctx, reference) {
      const entry = await record(ctx, reference);
      if (entry.kind === 'debit' && entry.status === 'canceled') return fromEntry(entry);
      const merchant = await getMerchantRecord(deps, ctx.merchantId);
      const today = businessDayOf(merchant ? sandboxNow(deps, merchant) : deps.clock.now());
      if (entry.kind !== 'debit' || entry.status !== 'pending' || today !== entry.day)
        throw new AppError(
          'invalid_state_transition',
          `ACH debit ${reference} cannot be voided: only a pending debit, on the day it was made, before its file goes out`,
        );
      await createTransfers(
        deps,
        [
          {
            kind: 'void_pending',
            id: derivedId('transfer', Date.parse(entry.created_at), `${entry.reference}:cancel`),
            pending_id: entry.reference,
            metadata: { merchant: entry.merchant, trace: entry.trace_number },
          },
        ],
        { operations: () => [achEntryMove(entry, { status: 'canceled' })] },
      );
      return fromEntry({ ...entry, status: 'canceled' });
    },
    async refund(ctx, reference, amount, key) {
      // The refund this key already made, as it was made (a caller may ask another amount).
      const existing = await readAttemptRef(deps.store, key);
      if (existing !== undefined)
        return { reference: existing, amount: (await record(ctx, existing)).amount };
      const debit = await record(ctx, reference);
      if (
        debit.kind !== 'debit' ||
        debit.status !== 'settled' ||
        debit.amount_refunded + amount > debit.amount
      )
        throw new AppError(
          'invalid_state_transition',
          `cannot refund ${amount} of ACH debit ${reference} (${debit.status})`,
        );
      const merchant = await getMerchantRecord(deps, ctx.merchantId);
      const now = merchant ? sandboxNow(deps, merchant) : deps.clock.now();
      const day = businessDayOf(now);
      const credit = await addEntry(
        ctx,
        (trace) => ({
          ...debit,
          reference: derivedId('transfer', Date.parse(debit.created_at), key),
          kind: 'credit',
          debit: debit.reference,
          amount,
          trace_number: trace,
          day,
          settle_on: day,
          status: 'settled',
          amount_refunded: 0,
          created_at: isoTime(now),
        }),
        async (entry, puts) => {
          await createTransfers(
            deps,
            [
              {
                id: entry.reference,
                debit_account_id: merchantAccountId(ctx.merchantId, 'available', 'USD'),
                credit_account_id: systemAccountId('bank', 'USD'),
                amount,
                currency: 'USD',
                code: achLedgerCodes.credit,
                metadata: { merchant: ctx.merchantId, debit: debit.reference, trace: entry.trace_number },
              },
            ],
            {
              operations: () => [...puts, achEntryRefund(debit, amount), attemptRefPut(key, entry.reference)],
            },
          );
        },
      );
      return { reference: credit.reference, amount };
    },
    status: async (ctx, reference) => fromEntry(await record(ctx, reference)),
    lookup: (ctx, input) => find(ctx, input.idempotency_key),
    find: (ctx, attempt) => find(ctx, attempt.idempotency_key),
  };
}
