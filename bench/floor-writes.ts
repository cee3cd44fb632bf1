/**
 * The writes of a wallet transfer and of a card authorization, without the requests around them:
 * what `baseline-server.ts` commits for its floor baselines. Built with the ledger's, the
 * outbox's and the card sandbox's own write builders, in the shapes `npm run bench:writes` records from the real
 * requests (keys, index entries, conditions, a shard of the card network, event bodies of the
 * same size), so the store does the same work: a transfer writes its transfer, its two accounts
 * and its event (4 items); an authorization its hold, the card network's shard, the merchant's
 * pending account, its event and the payment (5 items).
 */
import { newId } from '../server/src/kernel/ids.ts';
import type { Account } from '../server/src/ledger/model.ts';
import { accountOpeningPuts, accountUpdate, transferPut } from '../server/src/ledger/store.ts';
import type { EventEnvelope } from '../server/src/kernel/events.ts';
import { toPayment } from '../server/src/payments/service.ts';
import { paymentFromItem, paymentPut } from '../server/src/payments/store/payments.ts';
import { outboxPut } from '../server/src/platform/outbox.ts';
import type { Item, WriteOperation } from '../server/src/platform/store.ts';

const users = Array.from({ length: 1000 }, () => newId('user'));
const merchants = Array.from({ length: 100 }, () => ({ id: newId('merchant'), owner: newId('user') }));
const cardNetworkShards = 64;
const cardNetwork = 'acct_sys_card_network_USD';
const walletAccount = (user: string) => `acct_w_${user}_USD`;
const pendingAccount = (merchant: string) => `acct_m_${merchant}_pending_USD`;
const zero = { debits_pending: 0, debits_posted: 0, credits_pending: 0, credits_posted: 0 };
const delta = { ...zero, currency: 'USD' as const };
const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)]!;

/** The accounts the writes update, opened: 1,000 wallets, 100 merchants, the sharded card network. */
export function floorAccounts(): Item[] {
  const account = (id: string, owner: string, code: string, flags: Partial<Account>): Account => ({
    id,
    currency: 'USD',
    owner,
    code,
    debits_must_not_exceed_credits: false,
    credits_must_not_exceed_debits: false,
    ...zero,
    created_at: new Date().toISOString(),
    ...flags,
  });
  const opened = [
    ...users.flatMap((user) =>
      accountOpeningPuts(
        account(walletAccount(user), user, 'wallet', {
          debits_must_not_exceed_credits: true,
          credits_posted: 1_000_000_000_000,
        }),
      ),
    ),
    ...merchants.flatMap((merchant) =>
      accountOpeningPuts(account(pendingAccount(merchant.id), merchant.id, 'merchant_pending', {})),
    ),
    ...accountOpeningPuts(account(cardNetwork, 'system', 'card_network', {}), cardNetworkShards),
  ];
  const items = new Map<string, Item>();
  for (const operation of opened)
    if (operation.type === 'put') items.set(`${operation.item.pk}|${operation.item.sk}`, operation.item);
  return [...items.values()];
}

/** A wallet transfer's writes, between two random wallets. */
export function transferWrites(amount: number): { id: string; operations: WriteOperation[] } {
  const from = pick(users);
  let to = from;
  while (to === from) to = pick(users);
  const id = newId('transfer');
  const at = new Date().toISOString();
  const party = (user: string) => ({
    id: user,
    name: 'User',
    email: `writes-${user.slice(-6)}-2374d133-8224-46f1-9113-31ce2163c44b@example.com`,
  });
  const event: EventEnvelope = {
    id: newId('event'),
    type: 'wallet.transfer.created',
    source: 'sluice.wallet',
    time: at,
    subject: from,
    data: {
      transfer: {
        id,
        from,
        to,
        from_user: party(from),
        to_user: party(to),
        amount,
        currency: 'USD',
        note: null,
        status: 'succeeded',
        created_at: at,
      },
    },
    audience: [from, to],
  };
  return {
    id,
    operations: [
      transferPut({
        id,
        kind: 'posted',
        debit_account_id: walletAccount(from),
        credit_account_id: walletAccount(to),
        amount,
        currency: 'USD',
        code: 'p2p',
        metadata: {
          from_user: from,
          to_user: to,
          from_name: party(from).name,
          from_email: party(from).email,
          to_name: party(to).name,
          to_email: party(to).email,
        },
        created_at: at,
      }),
      accountUpdate(walletAccount(from), { ...delta, debits_posted: amount }),
      accountUpdate(walletAccount(to), { ...delta, credits_posted: amount }),
      outboxPut(event),
    ],
  };
}

/** A card authorization's writes (`capture: false`), for a random one of the 100 merchants. */
export function authorizationWrites(amount: number): { id: string; operations: WriteOperation[] } {
  const merchant = pick(merchants);
  const paymentId = newId('payment');
  const holdId = newId('transfer');
  const now = Date.now();
  const at = new Date(now).toISOString();
  const shard = 1 + Math.floor(Math.random() * (cardNetworkShards - 1));
  // The payment as the card sandbox stores it, through its own parser, key and index builders.
  const payment = paymentFromItem({
    pk: `PAY#${paymentId}`,
    sk: 'PAY',
    id: paymentId,
    object: 'payment',
    merchant: merchant.id,
    owner: merchant.owner,
    status: 'requires_capture',
    amount,
    amount_capturable: amount,
    amount_captured: 0,
    amount_refunded: 0,
    currency: 'USD',
    card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2029, fingerprint: 'yhBPlcwYkCFZn1Tn' },
    capture_before: new Date(now + 7 * 24 * 3600 * 1000).toISOString(),
    review: false,
    description: null,
    metadata: {},
    failure_code: null,
    decline_code: null,
    failure_message: null,
    canceled_at: null,
    cancellation_reason: null,
    created_at: at,
    updated_at: at,
    hold_id: holdId,
    sandbox_outcome: 'success',
  });
  const event: EventEnvelope = {
    id: newId('event'),
    type: 'payment.authorized',
    source: 'sluice.payments',
    time: at,
    subject: paymentId,
    data: { object: toPayment(payment) },
    audience: [merchant.owner],
    merchant: merchant.id,
  };
  return {
    id: paymentId,
    operations: [
      transferPut(
        {
          id: holdId,
          kind: 'pending',
          debit_account_id: cardNetwork,
          credit_account_id: pendingAccount(merchant.id),
          amount,
          currency: 'USD',
          code: 'card_payment',
          pending_status: 'pending',
          timeout_at: 0,
          metadata: { payment: paymentId, merchant: merchant.id },
          created_at: at,
        },
        { debit: shard, credit: 0 },
      ),
      accountUpdate(cardNetwork, { ...delta, debits_pending: amount }, shard),
      accountUpdate(pendingAccount(merchant.id), { ...delta, credits_pending: amount }),
      outboxPut(event),
      paymentPut(payment),
    ],
  };
}
