import { describe, expect, it } from 'vitest';
import type { Currency } from '../../kernel/money.ts';
import {
  declineCodes,
  type AuthorizeInput,
  type Connector,
  type ConnectorContext,
  type PaymentMethod,
} from './connector.ts';

/** What one connector's contract run needs: the connector, whom it acts for, and two test methods. */
export interface ConnectorHarness {
  connector: Connector;
  ctx: ConnectorContext;
  currency: Currency;
  /** A payment method the provider approves, and one it declines. */
  approved: PaymentMethod;
  declined: PaymentMethod;
  /** For a provider where the payer acts (the wallet): the payer's approval of a pending payment. */
  approve?: (reference: string) => Promise<void>;
  /** Checks after each test (the ledger balanced, say). */
  check?: () => Promise<void>;
}

let sequence = 0;

/**
 * The contract every connector passes: one suite, run by each connector's test against its real
 * provider (or the provider's local stand-in), so the hub can treat them alike.
 *
 * @example runConnectorContract('stripe', async () => ({ connector: stripeConnector({ endpoint }), ctx, … }));
 */
export function runConnectorContract(name: string, setUp: () => Promise<ConnectorHarness>): void {
  describe(`connector contract: ${name}`, () => {
    const input = (h: ConnectorHarness, fields: Partial<AuthorizeInput> = {}): AuthorizeInput => ({
      amount: 2500,
      currency: h.currency,
      payment_method: h.approved,
      capture: false,
      idempotency_key: `contract_${Date.now()}_${++sequence}`,
      intent: `pi_contract_${sequence}`,
      ...fields,
    });
    // Authorizes, and where the provider asks the payer first, has the payer approve.
    const authorize = async (h: ConnectorHarness, request: AuthorizeInput) => {
      const first = await h.connector.authorize(h.ctx, request);
      if (first.status !== 'pending' || !h.approve) return first;
      await h.approve(first.reference);
      return h.connector.status(h.ctx, first.reference);
    };
    const run = (title: string, body: (h: ConnectorHarness) => Promise<void>) =>
      it(title, async () => {
        const h = await setUp();
        await body(h);
        await h.check?.();
      });

    run('authorizes without capturing, then captures part of it', async (h) => {
      const authorized = await authorize(h, input(h));
      expect(authorized).toMatchObject({ status: 'authorized', amount_captured: 0, decline_code: null });
      const captured = await h.connector.capture(
        h.ctx,
        authorized.reference,
        2000,
        `${authorized.reference}:capture`,
      );
      expect(captured).toMatchObject({
        status: 'captured',
        reference: authorized.reference,
        amount_captured: 2000,
      });
      expect(await h.connector.status(h.ctx, authorized.reference)).toMatchObject({ status: 'captured' });
    });

    run('takes a sale at once and refunds part, then the rest', async (h) => {
      const sale = await authorize(h, input(h, { capture: true }));
      expect(sale).toMatchObject({ status: 'captured', amount_captured: 2500 });
      const part = await h.connector.refund(h.ctx, sale.reference, 1000, `${sale.reference}:r1`);
      expect(part.amount).toBe(1000);
      expect((await h.connector.status(h.ctx, sale.reference)).status).toBe('captured');
      await h.connector.refund(h.ctx, sale.reference, 1500, `${sale.reference}:r2`);
      expect((await h.connector.status(h.ctx, sale.reference)).status).toBe('refunded');
    });

    run('refunds once for one key, whether the calls race or come again', async (h) => {
      const sale = await authorize(h, input(h, { capture: true }));
      const key = `${sale.reference}:refund:1`;
      const raced = await Promise.allSettled(
        Array.from({ length: 4 }, () => h.connector.refund(h.ctx, sale.reference, 1000, key)),
      );
      const made = raced.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      expect(made.length).toBeGreaterThan(0);
      for (const refund of made) expect(refund).toEqual({ reference: made[0]!.reference, amount: 1000 });
      expect(await h.connector.refund(h.ctx, sale.reference, 1000, key)).toEqual(made[0]);
      // Only 1,000 went back: the other 1,500 can still be refunded, and then nothing more.
      await h.connector.refund(h.ctx, sale.reference, 1500, `${sale.reference}:refund:2`);
      expect((await h.connector.status(h.ctx, sale.reference)).status).toBe('refunded');
    });

    run('voids an authorization', async (h) => {
      const authorized = await authorize(h, input(h));
      const voided = await h.connector.void(h.ctx, authorized.reference, `${authorized.reference}:void`);
      expect(voided).toMatchObject({ status: 'voided', amount_captured: 0 });
    });

    run('answers a decline as a value with a code from the one vocabulary', async (h) => {
      const declined = await h.connector.authorize(
        h.ctx,
        input(h, { payment_method: h.declined, capture: true }),
      );
      expect(declined.status).toBe('declined');
      expect(declineCodes).toContain(declined.decline_code);
    });

    run('never charges twice for one idempotency key, and finds what a key did', async (h) => {
      const request = input(h, { capture: true });
      const first = await authorize(h, request);
      const again = await authorize(h, request);
      expect(again.reference).toBe(first.reference);
      expect(await h.connector.lookup(h.ctx, request)).toMatchObject({
        reference: first.reference,
        status: 'captured',
      });
      await h.connector.refund(h.ctx, first.reference, 2500, `${first.reference}:refund`);
    });
  });
}
