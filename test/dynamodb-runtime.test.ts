import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { audit, call, signUp, startServer, transfer, wallet, type ServerProcess } from './server-process.ts';

// `npm start -- --store dynamodb --endpoint URL`: the same process, on DynamoDB Local.
describe('the local runtime on DynamoDB', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServer({
      adminEmails: ['root@example.com'],
      env: {
        SLUICE_STORE: 'dynamodb',
        SLUICE_DYNAMODB_ENDPOINT: inject('dynamoEndpoint'),
        SLUICE_TABLE: `sluice-runtime-${randomUUID()}`,
      },
      readyTimeoutMs: 60_000,
    });
  }, 90_000);

  afterAll(async () => {
    await server?.dispose();
  });

  it('moves money, pays a request once, and keeps the books balanced', { timeout: 60_000 }, async () => {
    const alice = await signUp(server.url, { name: 'alice' });
    const bob = await signUp(server.url, { name: 'bob' });
    const admin = await signUp(server.url, { name: 'root', email: 'root@example.com' });
    const sent = await transfer(server.url, alice.token, { to: bob.email, amount: 700 });
    expect(sent.status).toBe(201);
    expect((await wallet(server.url, alice.token)).available).toBe(2000 - 700);
    expect((await wallet(server.url, bob.token)).available).toBe(2000 + 700);
    const request = await call(server.url, 'POST', '/v1/payment-requests', {
      token: alice.token,
      body: { from: bob.id, amount: 300, currency: 'USD' },
    });
    expect(request.status).toBe(201);
    const accepts = await Promise.all(
      Array.from({ length: 5 }, () =>
        call(server.url, 'POST', `/v1/payment-requests/${request.json.id}/accept`, { token: bob.token }),
      ),
    );
    expect(accepts.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
    expect((await wallet(server.url, bob.token)).available).toBe(2700 - 300);
    const report = await audit(server.url, admin.token);
    expect(report.balanced).toBe(true);
    // What DynamoDB billed for it, as it reported it: at least the two transfers' transactions.
    const metrics = await fetch(`${server.url}/metrics`, {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    const units = Number(/^sluice_dynamodb_write_units_consumed (\S+)$/m.exec(await metrics.text())?.[1]);
    expect(units).toBeGreaterThan(2 * 4 * 2);
  });

  it('stops cleanly on SIGTERM', { timeout: 30_000 }, async () => {
    await server.kill('SIGTERM', 15_000);
    expect(await server.exited).toEqual({ code: 0, signal: null });
  });
});
