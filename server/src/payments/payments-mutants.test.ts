import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../test/app-harness.ts';
import { newId } from '../kernel/ids.ts';
import { isoTime } from '../kernel/clock.ts';
import { requireMerchantRecord } from './service.ts';
import { paymentPut, readPayment } from './store/payments.ts';
import {
  paymentBody,
  setUpMerchantApp,
  tearDownApp,
  type MerchantApi,
  type TestMerchant,
} from './test-support.ts';

/**
 * The payments list's search and filters, and how it pages through payments a filter skips
 * (`service.ts`), pinned where the mutation run of issue 23 found them untested on SQLite.
 */

let t: TestApp;
let merchant: TestMerchant;
let api: MerchantApi;
beforeEach(async () => ({ t, merchant, api } = await setUpMerchantApp()));
afterEach(() => tearDownApp(t));

/** Creates a payment one millisecond after the previous one, so ids and times order them. */
async function pay(extra: Record<string, unknown> = {}): Promise<{ id: string; created_at: string }> {
  t.clock.advance(1);
  const response = await api('POST', '/v1/payments', paymentBody(extra));
  expect(response.status).toBe(201);
  return response.json;
}

async function list(query: string): Promise<{ ids: string[]; next: string | null }> {
  const response = await api('GET', `/v1/payments?${query}`);
  expect(response.status).toBe(200);
  return {
    ids: (response.json.data as Array<{ id: string }>).map((p) => p.id),
    next: response.json.next_cursor ?? null,
  };
}

const ids = async (query: string) => (await list(query)).ids;

describe('payments list: search', () => {
  it('matches the id and the description in any case, and an amount with or without a leading currency sign', async () => {
    const latte = await pay({ amount: 2_500, description: 'Flat White' });
    const plain = await pay({ amount: 1_200 });

    expect(await ids(`q=${encodeURIComponent(latte.id.toLowerCase())}`)).toEqual([latte.id]);
    expect(await ids(`q=${encodeURIComponent(plain.id)}`)).toEqual([plain.id]);
    expect(await ids('q=flat')).toEqual([latte.id]);
    expect(await ids('q=WHITE')).toEqual([latte.id]);
    expect(await ids('q=25.00')).toEqual([latte.id]);
    expect(await ids('q=%2412.00')).toEqual([plain.id]);
    // A sign only counts in front; text that is neither an id, a description nor an amount matches nothing.
    expect(await ids('q=12%24')).toEqual([]);
    expect(await ids('q=stryker%20was%20here')).toEqual([]);
    expect(await ids('q=13.00')).toEqual([]);
  });

  it('combines every filter given: all must hold', async () => {
    const first = await pay({ amount: 1_000, description: 'tea' });
    const held = await pay({ amount: 1_000, description: 'tea', capture: false });
    expect(await ids('q=tea&status=requires_capture')).toEqual([held.id]);
    expect(await ids('q=10.00&display_status=succeeded')).toEqual([first.id]);
    expect(await ids('q=coffee&display_status=succeeded')).toEqual([]);
  });
});

describe('payments list: filters', () => {
  it('filters by display status', async () => {
    const refunded = await pay({ amount: 1_000 });
    const partly = await pay({ amount: 1_000 });
    const untouched = await pay({ amount: 1_000 });
    expect((await api('POST', '/v1/refunds', { payment: refunded.id })).status).toBe(201);
    expect((await api('POST', '/v1/refunds', { payment: partly.id, amount: 100 })).status).toBe(201);
    expect(await ids('display_status=refunded')).toEqual([refunded.id]);
    expect(await ids('display_status=partially_refunded')).toEqual([partly.id]);
    expect(await ids('display_status=succeeded')).toEqual([untouched.id]);
  });

  it('takes created_gte as inclusive and created_lt as exclusive, to the millisecond', async () => {
    const a = await pay();
    const b = await pay();
    const c = await pay();
    expect(Date.parse(b.created_at) - Date.parse(a.created_at)).toBe(1);
    const at = encodeURIComponent(b.created_at);
    expect(await ids(`created_gte=${at}`)).toEqual([c.id, b.id]);
    expect(await ids(`created_lt=${at}`)).toEqual([a.id]);
    expect(await ids(`created_gte=${at}&created_lt=${encodeURIComponent(c.created_at)}`)).toEqual([b.id]);
  });
});

describe('payments list: paging through filtered-out payments', () => {
  it('fills a filtered page from later store pages, never past the limit, and resumes where it stopped', async () => {
    // Newest first: held4, captured3, held2, held1, captured0.
    const captured0 = await pay();
    const held1 = await pay({ capture: false });
    const held2 = await pay({ capture: false });
    await pay();
    const held4 = await pay({ capture: false });

    const first = await list('status=requires_capture&limit=2');
    expect(first.ids).toEqual([held4.id, held2.id]);
    expect(first.next).not.toBeNull();
    const second = await list(`status=requires_capture&limit=2&starting_after=${first.next}`);
    expect(second.ids).toEqual([held1.id]);
    const succeeded = await list('status=succeeded&limit=1');
    expect(succeeded.ids).toHaveLength(1);
    const rest = await list(`status=succeeded&limit=5&starting_after=${succeeded.next}`);
    expect(rest.ids).toEqual([captured0.id]);
  });

  it('reads at most 1,000 payments per request while filtering, and answers a cursor to go on', async () => {
    const held = await pay({ amount: 700, capture: false });
    // 1,000 newer payments the status filter skips: one charged, 999 declined ones stored as its copies (no money moved).
    const charged = (await readPayment(t.store, (await pay()).id))!;
    const clones = Array.from({ length: 999 }, (_, i) => {
      const at = t.clock.now() + i + 1;
      return {
        ...charged,
        id: newId('payment', at),
        status: 'failed' as const,
        amount_captured: 0,
        failure_code: 'card_declined',
        created_at: isoTime(at),
        updated_at: isoTime(at),
      };
    });
    for (let i = 0; i < clones.length; i += 50)
      await t.store.transact(clones.slice(i, i + 50).map((p) => paymentPut(p)));
    t.clock.advance(1_000);

    const first = await list('status=requires_capture&limit=100');
    expect(first.ids).toEqual([]);
    expect(first.next).not.toBeNull();
    const second = await list(`status=requires_capture&limit=100&starting_after=${first.next}`);
    expect(second.ids).toEqual([held.id]);
  });
});

describe('the merchant acting', () => {
  it('is refused 404 naming the merchant when it no longer exists', async () => {
    await expect(requireMerchantRecord(t, 'mer_gone')).rejects.toMatchObject({
      code: 'not_found',
      message: 'no merchant mer_gone',
    });
    expect(merchant.id).toMatch(/^mer_/);
  });
});
