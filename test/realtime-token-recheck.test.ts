import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { merchantAudience } from '../server/src/platform/realtime.ts';
import { serveRealtimeApp } from './realtime-app.ts';

/**
 * A socket opened with a user's access token lives at most until the token's `exp`, and is checked
 * again every `keyRecheckMs` (60 s by default; 100 ms here) meanwhile: a session ended (a logout)
 * or a member removed from the merchant whose stream it is closes it with 4401, instead of pushing
 * on until the token expires (found by a probe on 2026-12-06: up to 15 minutes of a merchant's
 * payments to a removed member).
 */
describe('a socket opened with a user token', () => {
  let served: Awaited<ReturnType<typeof serveRealtimeApp>>;
  beforeAll(async () => {
    served = await serveRealtimeApp({ keyRecheckMs: 100 });
  });
  afterAll(() => served.close());
  const call: typeof served.call = (...args) => served.call(...args);

  const signUp = (email: string) =>
    call('POST', '/v1/auth/signup', undefined, {
      email,
      password: 'correct horse battery staple',
      name: 'Pat',
    });
  const open = (url: string, token: string) => {
    const socket = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
    const messages: { type: string; data: Record<string, string> }[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(String(data))));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    return { socket, messages, closed };
  };

  it('closes a user socket (4401) once its session ends, not when its token expires', async () => {
    const user = await signUp('leaver@example.com');
    const { socket, messages, closed } = open(served.wsUrl, user.access_token!);
    await expect.poll(() => messages.find((m) => m.type === 'ready')?.data.user_id).toBe(user.user.id);
    const ready = messages.find((m) => m.type === 'ready')!;
    // `ready` still tells the token's own expiry (minutes away), not the next check.
    expect(Date.parse(ready.data.expires_at!) - Date.now()).toBeGreaterThan(60_000);
    await call('POST', '/v1/auth/logout', user.access_token, { refresh_token: user.refresh_token });
    expect(await closed).toBe(4401);
    expect(socket.readyState).toBe(WebSocket.CLOSED);
    expect(served.realtime.socketCount(user.user.id!)).toBe(0);
  });

  it('closes a merchant stream (4401) once its user is removed from the merchant, after checks that kept it open', async () => {
    const owner = await signUp('owner@example.com');
    const merchant = await call('POST', '/v1/merchants', owner.access_token, { name: 'Team Shop' });
    const member = await call('POST', `/v1/merchants/${merchant.id}/members`, owner.access_token, {
      email: 'member@example.com',
      role: 'admin',
    });
    const user = await signUp('member@example.com');
    const { messages, closed } = open(`${served.wsUrl}?merchant=${merchant.id}`, user.access_token!);
    await expect.poll(() => messages.find((m) => m.type === 'ready')?.data.merchant_id).toBe(merchant.id);
    const checksAtOpen = served.merchantChecksPassed();
    await expect
      .poll(() => served.merchantChecksPassed(), { timeout: 10_000 })
      .toBeGreaterThanOrEqual(checksAtOpen + 3);
    expect(served.realtime.socketCount(merchantAudience(merchant.id!))).toBe(1);

    await call('DELETE', `/v1/merchants/${merchant.id}/members/${member.id}`, owner.access_token);
    expect(await closed).toBe(4401);
    expect(served.realtime.socketCount(merchantAudience(merchant.id!))).toBe(0);
  });
});
