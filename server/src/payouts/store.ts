import type { KeyPattern } from '../platform/keys.ts';
import { readItem, type Item, type Store, type WriteOperation } from '../platform/store.ts';
import { payoutSchema, type Payout } from './model.ts';

/**
 * Payouts' stored layout: a payout `PO#<id>` / `PO`, in gsi1 under its merchant (newest first);
 * and per merchant and currency a sequence item `PO#SEQ#<merchant>#<currency>` every payout bumps
 * on the condition that it is still at the number read with the balance: two payouts judged
 * against one balance cannot both commit, so a balance is never paid out twice.
 */
const keys = {
  payout: (id: string) => ({ pk: `PO#${id}`, sk: 'PO' }),
  merchant: (merchantId: string) => `PO#MER#${merchantId}`,
  sequence: (merchantId: string, currency: string) => ({ pk: `PO#SEQ#${merchantId}#${currency}`, sk: 'SEQ' }),
};

export const payoutKeyPatterns = ['PO#*', 'PO#MER#*', 'PO#SEQ#*#*'] as const satisfies readonly KeyPattern[];

const fromItem = (item: Item): Payout => payoutSchema.parse(item.payout);

export function payoutPut(payout: Payout): WriteOperation {
  return {
    type: 'put',
    item: {
      ...keys.payout(payout.id),
      entity: 'payout',
      payout: payout as unknown as Item[string],
      status: payout.status,
      gsi1pk: keys.merchant(payout.merchant),
      gsi1sk: payout.id,
    },
    condition: { attributeNotExists: 'pk' },
  };
}

/** Writes the payout on from the status it was read in (an ACH payout settling or returned). */
export function payoutMove(read: Payout, next: Payout): WriteOperation {
  const { condition: _created, ...put } = payoutPut(next) as Extract<WriteOperation, { type: 'put' }>;
  return { ...put, condition: { compare: ['status', '=', read.status] } };
}

export function readPayout(store: Store, id: string): Promise<Payout | undefined> {
  return readItem(store, keys.payout(id), fromItem);
}

export async function merchantPayouts(
  store: Store,
  merchantId: string,
  page: { limit: number; cursor?: string },
) {
  const result = await store.query({
    index: 'gsi1',
    partition: keys.merchant(merchantId),
    direction: 'desc',
    limit: page.limit,
    ...(page.cursor ? { cursor: page.cursor } : {}),
  });
  return { data: result.items.map(fromItem), next_cursor: result.cursor };
}

/** The payout sequence number of the merchant's currency (0 before the first payout). */
export async function readSequence(store: Store, merchantId: string, currency: string): Promise<number> {
  const item = await store.get(keys.sequence(merchantId, currency));
  return typeof item?.n === 'number' ? item.n : 0;
}

/** Bumps the sequence, only if it is still `seen`. */
export function sequenceBump(merchantId: string, currency: string, seen: number): WriteOperation {
  return {
    type: 'update',
    key: keys.sequence(merchantId, currency),
    add: { n: 1 },
    condition: seen === 0 ? { attributeNotExists: 'n' } : { compare: ['n', '=', seen] },
  };
}
