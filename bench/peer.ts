/**
 * The peer the card sandbox is measured against: `stripe-stateful-mock`, an in-memory Express
 * server that speaks Stripe's Charges API (no disk, no ledger, no events). It runs in its own
 * child process, like the Sluice server and the baselines, and is driven with the same
 * connections: `POST /v1/charges` with `capture=false`, Stripe's authorization, beside
 * Sluice's `POST /v1/payments` with `capture: false`.
 */
import { createRequire } from 'node:module';
import { startChildServer } from './child-server.ts';
import { runLoad, type AutocannonRequest, type LoadTarget, type ScenarioResult } from './load.ts';
import { settings } from './support.ts';

/** Authorizations on the peer for `settings.duration` seconds (after a warm-up). */
export async function runPeerAuthorizations(): Promise<ScenarioResult> {
  const peer = await startPeer();
  try {
    if (settings.warmup > 0) await runLoad(peer, 'peer warm-up', settings.warmup, chargeRequest());
    return await runLoad(
      peer,
      'peer: stripe-stateful-mock POST /v1/charges capture=false',
      settings.duration,
      chargeRequest(),
    );
  } finally {
    await peer.stop();
  }
}

/** A card authorization as Stripe's API takes it: form-encoded, with a test token. */
function chargeRequest(): AutocannonRequest {
  return {
    method: 'POST',
    path: '/v1/charges',
    setupRequest: (request) => ({
      ...request,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Bearer sk_test_${'x'.repeat(24)}`,
      },
      body: `amount=${100 + Math.floor(Math.random() * 10_000)}&currency=usd&source=tok_visa&capture=false`,
    }),
  };
}

function startPeer(): Promise<LoadTarget & { stop: () => Promise<void> }> {
  return startChildServer({
    name: 'stripe-stateful-mock',
    script: createRequire(import.meta.url).resolve('stripe-stateful-mock/dist/cli.js'),
    env: { LOG_LEVEL: 'warn' },
    isReady: (_output, url) =>
      fetch(`${url}/v1/charges?limit=1`, { headers: { authorization: 'Bearer sk_test_x' } })
        .then(() => true)
        .catch(() => false),
  });
}
