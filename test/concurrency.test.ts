import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  audit,
  call,
  listAllTransfers,
  signUp,
  startServer,
  transfer,
  wallet,
  type ApiResponse,
  type ApiUser,
  type ServerProcess,
} from './server-process.ts';

/**
 * Concurrency through a real server process over real HTTP: many requests in flight against one
 * account must never overdraw it, lose an acknowledged transfer or record a refused one.
 */
const bonus = 10_000;
const adminEmail = `admin-${process.pid}@example.com`;

let server: ServerProcess;
let admin: ApiUser;

beforeAll(async () => {
  server = await startServer({ adminEmails: [adminEmail], signupBonus: bonus });
  admin = await signUp(server.url, { email: adminEmail, name: 'admin' });
});

afterAll(async () => {
  await server?.dispose();
});

describe('concurrent transfers from one sender', () => {
  it('never overdraws, and every acknowledged transfer (and no refused one) is recorded', {
    timeout: 90_000,
  }, async () => {
    const base = server.url;
    const sender = await signUp(base, { name: 'sender' });
    const recipients = await Promise.all([0, 1, 2].map((i) => signUp(base, { name: `recipient${i}` })));
    expect((await wallet(base, sender.token)).available).toBe(bonus);

    // 200 transfers of 50..150 (about 20,000 in all): about half can be paid.
    const amounts = Array.from({ length: 200 }, (_, i) => 50 + ((i * 37) % 101));
    expect(amounts.reduce((a, b) => a + b, 0)).toBeGreaterThan(bonus);
    const responses: ApiResponse[] = await Promise.all(
      amounts.map((amount, i) =>
        transfer(
          base,
          sender.token,
          { to: recipients[i % recipients.length]!.id, amount, note: `load ${i}` },
          { 'Idempotency-Key': `k-${i}` },
        ),
      ),
    );

    const accepted: Array<{ id: string; amount: number; to: string }> = [];
    const refused: number[] = [];
    responses.forEach((response, i) => {
      if (response.status === 201) {
        expect(response.json.amount).toBe(amounts[i]);
        expect(response.json.from).toBe(sender.id);
        accepted.push({
          id: response.json.id as string,
          amount: amounts[i]!,
          to: response.json.to as string,
        });
      } else {
        expect(response.status, response.text).toBe(402);
        expect(response.json.error.code).toBe('insufficient_funds');
        refused.push(amounts[i]!);
      }
    });
    expect(accepted.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);

    const spent = accepted.reduce((sum, t) => sum + t.amount, 0);
    const balance = await wallet(base, sender.token);
    expect(balance.available).toBeGreaterThanOrEqual(0);
    expect(balance.available).toBe(bonus - spent);
    expect(balance.posted).toBe(bonus - spent);
    // A refusal is only right if the money really was not there: the balance only fell after it.
    expect(balance.available).toBeLessThan(Math.min(...refused));

    // The sender's history holds exactly the acknowledged transfers (plus nothing refused).
    const listed = (await listAllTransfers(base, sender.token)).filter((t) => t.from === sender.id);
    expect(new Set(listed.map((t) => t.id)).size).toBe(listed.length);
    expect(listed.map((t) => t.id).sort()).toEqual(accepted.map((t) => t.id).sort());
    const listedAmounts = new Map(listed.map((t) => [t.id, t.amount]));
    for (const t of accepted) expect(listedAmounts.get(t.id)).toBe(t.amount);

    // Each recipient got exactly what was acknowledged for them.
    for (const recipient of recipients) {
      const received = accepted.filter((t) => t.to === recipient.id).reduce((sum, t) => sum + t.amount, 0);
      expect((await wallet(base, recipient.token)).available).toBe(bonus + received);
    }

    const report = await audit(base, admin.token);
    expect(report.balanced, JSON.stringify(report)).toBe(true);
    for (const currency of report.currencies) expect(currency.overdrawn_accounts).toEqual([]);
  });
});

describe('concurrent accepts of one payment request', () => {
  it('pays it exactly once', { timeout: 60_000 }, async () => {
    const base = server.url;
    const [requester, payer] = await Promise.all([
      signUp(base, { name: 'requester' }),
      signUp(base, { name: 'payer' }),
    ]);
    const created = await call(base, 'POST', '/v1/payment-requests', {
      token: requester.token,
      body: { from: payer.id, amount: 700, currency: 'USD', note: 'rent' },
    });
    expect(created.status, created.text).toBe(201);
    const id = created.json.id as string;
    expect(created.json.status).toBe('pending');
    const payerBefore = (await wallet(base, payer.token)).available;
    const requesterBefore = (await wallet(base, requester.token)).available;

    const accepts = await Promise.all(
      Array.from({ length: 5 }, () =>
        call(base, 'POST', `/v1/payment-requests/${id}/accept`, { token: payer.token }),
      ),
    );
    const statuses = accepts.map((r) => r.status).sort();
    expect(statuses, accepts.map((r) => r.text).join('\n')).toEqual([200, 409, 409, 409, 409]);
    const winner = accepts.find((r) => r.status === 200)!;
    expect(winner.json.status).toBe('paid');
    for (const loser of accepts.filter((r) => r.status === 409))
      expect(loser.json.error.code).toBe('invalid_state_transition');

    expect((await wallet(base, payer.token)).available).toBe(payerBefore - 700);
    expect((await wallet(base, requester.token)).available).toBe(requesterBefore + 700);
    const paid = (await listAllTransfers(base, payer.token)).filter((t) => t.from === payer.id);
    expect(paid.map((t) => t.id)).toEqual([winner.json.transfer_id]);
    const fetched = await call(base, 'GET', `/v1/payment-requests/${id}`, { token: requester.token });
    expect(fetched.json.status).toBe('paid');

    const report = await audit(base, admin.token);
    expect(report.balanced).toBe(true);
  });
});
