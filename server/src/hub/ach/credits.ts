import { z } from 'zod';
import { isoTime } from '../../kernel/clock.ts';
import { AppError, isAppError } from '../../kernel/errors.ts';
import { ensureSystemAccount } from '../../ledger/index.ts';
import { getMerchantRecord, sandboxNow } from '../../payments/index.ts';
import type { WriteOperation } from '../../platform/store.ts';
import { sealCredentials, unsealCredentials } from '../credentials.ts';
import type { HubDeps } from '../deps.ts';
import { hubErrors } from '../errors.ts';
import type { bankAccountMethodSchema } from '../method-schemas.ts';
import {
  achEntryPuts,
  achSequencePut,
  merchantConnectors,
  readAchSequence,
  type AchEntryRecord,
} from '../store.ts';
export type { AchEntryRecord } from '../store.ts';
import { addBusinessDays, businessDayOf } from './calendar.ts';

/**
 * ACH credits paid out of a balance (vendor payouts, merchant payouts): one entry in the
 * merchant's NACHA file of the business day, originated under its `ach` connector, with the
 * merchant's next trace number. Modules that pay out this way register what a settlement and a
 * return of their credits does (`registerAchCreditHandler`): the hub's settlement job and return
 * files call it in the same transaction that moves the entry and the ledger.
 */

/** What originating a credit needs: the store, the clock, and the Secrets port for sealing. */
export type AchCreditDeps = Pick<HubDeps, 'store' | 'clock' | 'secrets'>;

/** A bank account as a request gives it (the account number in clear, only in memory). */
export type BankAccountInput = z.output<typeof bankAccountMethodSchema>['bank_account'];

/** A bank account as it may be kept (an approval request's params): the account number sealed. */
export const sealedBankAccountSchema = z.object({
  routing_number: z.string(),
  sealed_account: z.string(),
  last4: z.string(),
  account_holder_name: z.string(),
  account_type: z.enum(['checking', 'savings']),
});
export type SealedBankAccount = z.output<typeof sealedBankAccountSchema>;

export async function sealBankAccount(
  deps: AchCreditDeps,
  account: BankAccountInput,
): Promise<SealedBankAccount> {
  const { account_number, ...shown } = account;
  return {
    ...shown,
    last4: account_number.slice(-4),
    sealed_account: await sealCredentials(deps, { account_number }),
  };
}

/** The account back in clear, to originate the entry (the NACHA file is the one place it is). */
export async function openBankAccount(
  deps: AchCreditDeps,
  sealed: SealedBankAccount,
): Promise<BankAccountInput> {
  const { sealed_account, last4: _last4, ...account } = sealed;
  const { account_number } = await unsealCredentials(deps, sealed_account);
  return { ...account, account_number: account_number! };
}

/** What settling and returning a module's credits does besides the entry and the ledger. */
export interface AchCreditHandler {
  /** The credit settled (T+2): writes committed with the hold's posting. */
  settled(deps: HubDeps, entry: AchEntryRecord): Promise<WriteOperation[]>;
  /** The bank returned it (R01, R02, R03 …): writes committed with the ledger's reversal. */
  returned(deps: HubDeps, entry: AchEntryRecord, returnCode: string): Promise<WriteOperation[]>;
  /**
   * What the credit's later ledger transfers (the settlement's post of its hold, a return's
   * repayment after it) carry besides the hub's own keys: the module's name for the object paid
   * out, as its hold carries it (a merchant payout's `{ payout: 'po_…' }`), so that the balance
   * history names that object as their source.
   */
  metadata(entry: AchEntryRecord): Record<string, string>;
}

const handlers = new Map<string, AchCreditHandler>();

/** Registers what happens to credits of `kind` (their entry's `origin.kind`) when they settle or return. */
export function registerAchCreditHandler(kind: string, handler: AchCreditHandler): void {
  handlers.set(kind, handler);
}

/** The handler of an entry's origin; undefined for debits, refund credits and unregistered kinds. */
export function achCreditHandler(entry: AchEntryRecord): AchCreditHandler | undefined {
  return entry.origin ? handlers.get(entry.origin.kind) : undefined;
}

/**
 * The merchant's enabled `ach` connector, whose originator details its files carry; 400
 * `unknown_connector` (blaming `param`) without one, so a payout is refused before it is asked.
 */
export async function requireAchConnector(deps: AchCreditDeps, merchantId: string, param: string) {
  const connector = (await merchantConnectors(deps.store, merchantId)).find(
    (c) => c.provider === 'ach' && !c.disabled,
  );
  if (!connector)
    throw hubErrors.error('unknown_connector', 'a payout to a bank account needs your ach connector', {
      param,
    });
  return connector;
}

export interface AchCreditRequest {
  merchantId: string;
  /** The entry's reference: the id of the ledger transfer that pays it (a hold when `settle`). */
  reference: string;
  amount: number;
  account: SealedBankAccount;
  standardEntryClass: 'PPD' | 'CCD';
  /** `immediate`: settled in the file's day (vendor payouts); `t_plus_2`: pending until then. */
  settlement: 'immediate' | 't_plus_2';
  origin: AchEntryRecord['origin'];
  /** The request field a missing `ach` connector is blamed on. */
  param: string;
}

/**
 * Writes a credit entry into the merchant's file of the business day (by its sandbox clock):
 * `commit` gets the entry and the writes that add it (the entry, its trace lookup, the trace
 * sequence) and must commit them in its own transaction, with the ledger transfer. Another entry
 * taking the same trace number makes that transaction fail, and `commit` is called again.
 */
export async function originateAchCredit<T>(
  deps: AchCreditDeps,
  request: AchCreditRequest,
  commit: (entry: AchEntryRecord, writes: WriteOperation[]) => Promise<T>,
): Promise<T> {
  const connector = await requireAchConnector(deps, request.merchantId, request.param);
  const credentials = await unsealCredentials(deps, connector.sealed_credentials);
  const odfi = credentials.odfi_routing_number!.slice(0, 8);
  const merchant = await getMerchantRecord(deps, request.merchantId);
  if (!merchant) throw new AppError('not_found', `no merchant ${request.merchantId}`);
  const at = sandboxNow(deps, merchant);
  const day = businessDayOf(at);
  await ensureSystemAccount(deps, 'bank', 'USD');
  for (let attempt = 0; ; attempt++) {
    const seq = await readAchSequence(deps.store, request.merchantId);
    const pending = request.settlement === 't_plus_2';
    const entry: AchEntryRecord = {
      reference: request.reference,
      merchant: request.merchantId,
      kind: 'credit',
      debit: null,
      amount: request.amount,
      routing_number: request.account.routing_number,
      sealed_account: request.account.sealed_account,
      account_last4: request.account.last4,
      account_type: request.account.account_type,
      account_holder_name: request.account.account_holder_name,
      trace_number: `${odfi}${String(seq + 1).padStart(7, '0')}`,
      day,
      settle_on: pending ? addBusinessDays(day, 2) : day,
      status: pending ? 'pending' : 'settled',
      return_code: null,
      amount_refunded: 0,
      created_at: isoTime(at),
      standard_entry_class: request.standardEntryClass,
      origin: request.origin,
    };
    try {
      return await commit(entry, [achSequencePut(request.merchantId, seq), ...achEntryPuts(entry)]);
    } catch (error) {
      if (!(isAppError(error) && error.code === 'conflict') || attempt >= 20) throw error;
    }
  }
}
