/**
 * The peer the card sandbox is measured against: `stripe-stateful-mock`, an in-memory Express
 * server that speaks Stripe's Charges API (no disk, no ledger, no events). It runs in its own
 * child process, like the Sluice server and the baselines, and is driven with the same
 * connections: `POST /v1/charges` with `capture=false`, Stripe's authorization, beside
 * Sluice's `POST /v1/payments` with `capture: false`.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { freePort, repoRoot } from '../test/server-process.ts';
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

async function startPeer(): Promise<LoadTarget & { stop: () => Promise<void> }> {
  const port = await freePort();
  const cli = createRequire(import.meta.url).resolve('stripe-stateful-mock/dist/cli.js');
  const child = spawn(process.execPath, [cli], {
    cwd: repoRoot,
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const up = await fetch(`${url}/v1/charges?limit=1`, { headers: { authorization: 'Bearer sk_test_x' } })
      .then(() => true)
      .catch(() => false);
    if (up) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`stripe-stateful-mock did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    pid: child.pid!,
    stop: async () => {
      child.kill('SIGTERM');
      const killed = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killed);
    },
  };
}
