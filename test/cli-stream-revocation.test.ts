import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { merchantAudience } from '../server/src/platform/realtime.ts';
import { serveRealtimeApp } from './realtime-app.ts';

/**
 * A key has no expiry, so a stream opened with one checks it again every `keyRecheckMs` (60 s by
 * default; 100 ms here): revoking the key closes the stream with 4401, and `sluice listen` exits 3.
 */
describe('a merchant stream opened with an API key', () => {
  let served: Awaited<ReturnType<typeof serveRealtimeApp>>;
  beforeAll(async () => {
    served = await serveRealtimeApp({ keyRecheckMs: 100 });
  });
  afterAll(() => served.close());
  const call: typeof served.call = (...args) => served.call(...args);

  it('stays open while the key holds, and is closed (4401) once it is revoked', async () => {
    const owner = await call('POST', '/v1/auth/signup', undefined, {
      email: 'revoker@example.com',
      password: 'correct horse battery staple',
      name: 'Rev',
    });
    const merchant = await call('POST', '/v1/merchants', owner.access_token, { name: 'Rev Shop' });
    const key = await call('POST', `/v1/merchants/${merchant.id}/api-keys`, owner.access_token, {});

    const socket = new WebSocket(served.wsUrl, { headers: { authorization: `Bearer ${key.secret}` } });
    const messages: { type: string; data: { merchant_id?: string } }[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(String(data))));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    await expect.poll(() => messages.find((m) => m.type === 'ready')?.data.merchant_id).toBe(merchant.id);
    expect(served.realtime.socketCount(merchantAudience(merchant.id!))).toBe(1);

    // Several rechecks pass while the key is valid: waited for by counting them, not by sleeping.
    const checksAtOpen = served.merchantChecksPassed();
    await expect
      .poll(() => served.merchantChecksPassed(), { timeout: 10_000 })
      .toBeGreaterThanOrEqual(checksAtOpen + 3);
    expect(socket.readyState).toBe(WebSocket.OPEN);
    expect(served.realtime.socketCount(merchantAudience(merchant.id!))).toBe(1);

    await call('DELETE', `/v1/merchants/${merchant.id}/api-keys/${key.id}`, owner.access_token);
    expect(await closed).toBe(4401);
    expect(served.realtime.socketCount(merchantAudience(merchant.id!))).toBe(0);
  });
});
