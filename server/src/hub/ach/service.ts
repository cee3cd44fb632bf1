import { isoTime } from '../../kernel/clock.ts';
import { AppError } from '../../kernel/errors.ts';
import { derivedId } from '../../kernel/ids.ts';
import { createTransfers, systemAccountId, type TransferRequest } from '../../ledger/index.ts';
import { getMerchantRecord, merchantAccountId, sandboxNow } from '../../payments/index.ts';
import type { WriteOperation } from '../../platform/store.ts';
import { achLedgerCodes } from '../connectors/ach.ts';
import { unsealCredentials } from '../credentials.ts';
import type { HubDeps } from '../deps.ts';
import { hubEvent } from '../events.ts';
import type { MerchantActor } from '../intents.ts';
import {
  achDayEntries,
  achDueEntries,
  achEntryMove,
  intentPut,
  merchantConnectors,
  readAchEntry,
  readAchTrace,
  readIntent,
  readProviderRef,
  toIntent,
  type AchEntryRecord,
  type IntentRecord,
} from '../store.ts';
import { achCreditHandler, type AchCreditHandler } from './credits.ts';
import { formatFile, NachaError, parseFile, type EntryDetail } from './nacha.ts';

/**
 * The writes that move the intent an ACH debit belongs to, with its event, and the ledger
 * metadata naming it (`{ intent }`, the key the debit's hold carries), which the merchant's
 * balance history shows as the source; nothing for a credit.
 */
async function intentMove(
  deps: HubDeps,
  entry: AchEntryRecord,
  change: (record: IntentRecord) => Partial<IntentRecord>,
  type: 'payment_intent.succeeded' | 'payment_intent.payment_failed',
): Promise<{ writes: WriteOperation[]; metadata: Record<string, string> }> {
  const ref = await readProviderRef(deps.store, 'ach', entry.reference);
  const record = ref && (await readIntent(deps.store, ref.intent));
  if (!record) return { writes: [], metadata: {} };
  const next = {
    ...record,
    ...change(record),
    updated_at: isoTime(deps.clock.now()),
    version: record.version + 1,
  };
  return {
    writes: [
      intentPut(next),
      hubEvent(
        type,
        { merchantId: record.merchant, ownerId: record.owner },
        toIntent(next),
        deps.clock.now(),
      ),
    ],
    metadata: { intent: record.id },
  };
}

const lastAttempt = (record: IntentRecord, status: 'captured' | 'declined') =>
  record.attempts.map((a, i) => (i === record.attempts.length - 1 ? { ...a, status } : a));

/**
 * Settles the ACH entries due (T+2 business days) on each merchant's sandbox clock: a debit's
 * ledger hold is posted to the merchant's available balance and the intent succeeds; a payout
 * credit's hold is posted to the bank and its module marks it paid. Optionally one merchant's.
 * Idempotent: an entry settles once (its move is conditional on `pending`).
 */
export async function settleDueAch(deps: HubDeps, merchantId?: string): Promise<number> {
  let settled = 0;
  let cursor: string | undefined;
  const today = new Map<string, string>();
  const dayOf = async (merchant: string) => {
    let day = today.get(merchant);
    if (day === undefined) {
      const record = await getMerchantRecord(deps, merchant);
      day = isoTime(record ? sandboxNow(deps, record) : deps.clock.now()).slice(0, 10);
      today.set(merchant, day);
    }
    return day;
  };
  // Sandbox clocks run ahead of real time, never behind: scan up to the furthest one seen.
  const horizon = merchantId ? await dayOf(merchantId) : '9999-12-31';
  do {
    const page = await achDueEntries(deps.store, horizon, cursor);
    for (const entry of page.entries) {
      if (merchantId && entry.merchant !== merchantId) continue;
      if (entry.settle_on > (await dayOf(entry.merchant))) continue;
      const current = await readAchEntry(deps.store, entry.reference);
      if (current?.status !== 'pending') continue;
      const handler = achCreditHandler(current);
      const credit = (await handler?.settled(deps, current)) ?? [];
      const intent = await intentMove(
        deps,
        current,
        (r) => ({
          status: 'succeeded',
          amount_captured: current.amount,
          attempts: lastAttempt(r, 'captured'),
        }),
        'payment_intent.succeeded',
      );
      await createTransfers(
        deps,
        [
          {
            kind: 'post_pending',
            id: derivedId('transfer', Date.parse(current.created_at), `${current.reference}:settle`),
            pending_id: current.reference,
            metadata: {
              ...handler?.metadata(current),
              ...intent.metadata,
              merchant: current.merchant,
              trace: current.trace_number,
            },
          },
        ],
        { operations: () => [achEntryMove(current, { status: 'settled' }), ...intent.writes, ...credit] },
      );
      settled += 1;
    }
    cursor = page.cursor;
  } while (cursor);
  return settled;
}

export interface ReturnResult {
  returned: Array<{
    trace_number: string;
    return_code: string;
    reference: string;
    payment_intent: string | null;
  }>;
  /** Traces the file names that match no debit of this merchant, or that were already returned. */
  ignored: string[];
}

/**
 * Applies a NACHA return file: each returned entry (an addenda 99 with R01, R02, R03 …) reverses
 * exactly its original debit, found by trace number: before settlement the hold is voided, after
 * it the credit is reversed from the merchant's available balance (less what was refunded). The
 * intent fails with `bank_returned` and the return code. A second delivery changes nothing.
 */
export async function applyReturnFile(
  deps: HubDeps,
  actor: MerchantActor,
  text: string,
): Promise<ReturnResult> {
  let file;
  try {
    file = parseFile(text);
  } catch (error) {
    if (error instanceof NachaError)
      throw new AppError('validation_failed', `not a valid NACHA file: ${error.message}`, { param: 'file' });
    throw error;
  }
  const result: ReturnResult = { returned: [], ignored: [] };
  for (const returned of file.batches.flatMap((batch) => batch.entries)) {
    if (!returned.return) continue;
    const trace = returned.return.original_trace;
    const reference = await readAchTrace(deps.store, actor.merchantId, trace);
    const entry = reference && (await readAchEntry(deps.store, reference));
    const handler = entry ? achCreditHandler(entry) : undefined;
    // A canceled debit never went to the bank: there is nothing of it to return.
    if (
      !entry ||
      (entry.kind !== 'debit' && !handler) ||
      entry.status === 'returned' ||
      entry.status === 'canceled'
    ) {
      result.ignored.push(trace);
      continue;
    }
    const code = returned.return.return_code;
    if (handler) {
      await returnCredit(deps, entry, handler, code);
      result.returned.push({
        trace_number: trace,
        return_code: code,
        reference: entry.reference,
        payment_intent: null,
      });
      continue;
    }
    const intent = await intentMove(
      deps,
      entry,
      (r) => ({
        status: 'failed',
        amount_captured: 0,
        attempts: lastAttempt(r, 'declined'),
        last_error: { code: 'bank_returned', decline_code: null, return_code: code },
      }),
      'payment_intent.payment_failed',
    );
    const transfer: TransferRequest =
      entry.status === 'pending'
        ? {
            kind: 'void_pending',
            id: derivedId('transfer', Date.parse(entry.created_at), `${entry.reference}:return`),
            pending_id: entry.reference,
            metadata: { return_code: code },
          }
        : {
            id: derivedId('transfer', Date.parse(entry.created_at), `${entry.reference}:return`),
            debit_account_id: merchantAccountId(entry.merchant, 'available', 'USD'),
            credit_account_id: systemAccountId('bank', 'USD'),
            amount: entry.amount - entry.amount_refunded,
            currency: 'USD',
            code: achLedgerCodes.return,
            metadata: {
              ...intent.metadata,
              merchant: entry.merchant,
              trace: entry.trace_number,
              return_code: code,
            },
          };
    const ledger = entry.status === 'pending' || entry.amount > entry.amount_refunded ? [transfer] : [];
    const operations = () => [
      achEntryMove(entry, { status: 'returned', return_code: code }),
      ...intent.writes,
    ];
    if (ledger.length > 0) await createTransfers(deps, ledger, { operations });
    else await deps.store.transact(operations());
    const ref = await readProviderRef(deps.store, 'ach', entry.reference);
    result.returned.push({
      trace_number: trace,
      return_code: code,
      reference: entry.reference,
      payment_intent: ref?.intent ?? null,
    });
  }
  return result;
}

/**
 * Reverses a returned payout credit exactly: before settlement its hold is voided, after it the
 * bank pays the amount back to the account it came from; the paying module's writes (the payout
 * returned, its event) commit in the same transaction, which moves the entry on from its status.
 */
async function returnCredit(
  deps: HubDeps,
  entry: AchEntryRecord,
  handler: AchCreditHandler,
  code: string,
): Promise<void> {
  const id = derivedId('transfer', Date.parse(entry.created_at), `${entry.reference}:return`);
  const transfer: TransferRequest =
    entry.status === 'pending'
      ? { kind: 'void_pending', id, pending_id: entry.reference, metadata: { return_code: code } }
      : {
          id,
          debit_account_id: systemAccountId('bank', 'USD'),
          credit_account_id: entry.origin!.account,
          amount: entry.amount,
          currency: 'USD',
          code: achLedgerCodes.creditReturn,
          metadata: {
            ...handler.metadata(entry),
            merchant: entry.merchant,
            trace: entry.trace_number,
            return_code: code,
          },
        };
  const writes = await handler.returned(deps, entry, code);
  await createTransfers(deps, [transfer], {
    operations: () => [achEntryMove(entry, { status: 'returned', return_code: code }), ...writes],
  });
}

/**
 * The merchant's NACHA file of one business day: a PPD batch of its debits and refund credits (a
 * person's accounts), and a CCD batch of its payouts to its own business account, if any.
 */
export async function achDayFile(deps: HubDeps, merchantId: string, day: string): Promise<string> {
  // A debit canceled before the file went out is not in it.
  const entries = (await achDayEntries(deps.store, merchantId, day)).filter((e) => e.status !== 'canceled');
  if (entries.length === 0) throw new AppError('not_found', `no ACH entries on ${day}`, { param: 'day' });
  const connector = (await merchantConnectors(deps.store, merchantId)).find((c) => c.provider === 'ach');
  if (!connector) throw new AppError('not_found', 'you have no ach connector');
  const originator = await unsealCredentials(deps, connector.sealed_credentials);
  const odfi = originator.odfi_routing_number!;
  const yymmdd = (iso: string) => iso.slice(2, 10).replaceAll('-', '');
  const details: EntryDetail[] = [];
  for (const entry of entries) {
    const { account_number } = await unsealCredentials(deps, entry.sealed_account);
    const savings = entry.account_type === 'savings';
    details.push({
      transaction_code: entry.kind === 'debit' ? (savings ? '37' : '27') : savings ? '32' : '22',
      routing_number: entry.routing_number,
      account_number: account_number!,
      amount: entry.amount,
      individual_id: entry.reference.slice(-15),
      individual_name: entry.account_holder_name.toUpperCase(),
      discretionary_data: '',
      trace_number: entry.trace_number,
    });
  }
  const classes = (['PPD', 'CCD'] as const).filter((sec) =>
    entries.some((e) => e.standard_entry_class === sec),
  );
  const batches = classes.map((sec, index) => {
    const inBatch = entries.filter((e) => e.standard_entry_class === sec);
    const hasCredits = inBatch.some((e) => e.kind === 'credit');
    const hasDebits = inBatch.some((e) => e.kind === 'debit');
    return {
      header: {
        service_class_code: hasCredits && hasDebits ? '200' : hasCredits ? '220' : '225',
        company_name: originator.company_name!.toUpperCase(),
        company_discretionary_data: '',
        company_identification: originator.company_id!,
        standard_entry_class: sec,
        company_entry_description: sec === 'CCD' ? 'PAYOUT' : 'PAYMENT',
        company_descriptive_date: '',
        effective_entry_date: yymmdd(day),
        settlement_date: '',
        originator_status_code: '1',
        originating_dfi: odfi.slice(0, 8),
        batch_number: index + 1,
      },
      entries: details.filter((_, i) => entries[i]!.standard_entry_class === sec),
    };
  });
  return formatFile({
    header: {
      immediate_destination: ` ${odfi}`,
      immediate_origin: originator.company_id!,
      creation_date: yymmdd(day),
      creation_time: '0000',
      file_id_modifier: 'A',
      immediate_destination_name: 'SLUICE SANDBOX ODFI',
      immediate_origin_name: originator.company_name!.toUpperCase(),
      reference_code: '',
    },
    batches,
  });
}
