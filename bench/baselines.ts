/**
 * The two baselines every server figure is read against, served by `baseline-server.ts` in a
 * child process and driven exactly like the server (same connections, a body and an
 * `Authorization` header of similar size):
 *
 * - bare: a Hono endpoint that answers 201 and does nothing else;
 * - durable: the same request parsed and committed as one row through the local store. No ledger
 *   transaction can answer faster than this on the same machine, so its ratio to the bare rate
 *   shows how much of that rate any durable write can reach here;
 * - the floors, with the transfer and payment scenarios: the same request committing exactly a
 *   wallet transfer's 4 item writes, or a card authorization's 5 (`floor-writes.ts`), with none
 *   of the request's logic. The real request can be no faster than its floor on this store.
 */
import { join } from 'node:path';
import { repoRoot } from '../test/server-process.ts';
import { startChildServer } from './child-server.ts';
import { runLoad, type AutocannonRequest, type LoadTarget, type ScenarioResult } from './load.ts';
import { round, settings } from './support.ts';

export interface Baselines {
  bare: ScenarioResult;
  durable: ScenarioResult;
  /** A wallet transfer's 4 item writes alone. */
  transferFloor?: ScenarioResult;
  /** A card authorization's 5 item writes alone. */
  authorizationFloor?: ScenarioResult;
}

/**
 * Runs the bare baseline (after a warm-up), the durable one, and the floors asked for;
 * `ratio_to_baseline` of each but the bare one is set.
 */
export async function runBaselines(
  dataDir: string,
  floors: { transfer: boolean; authorization: boolean } = { transfer: false, authorization: false },
): Promise<Baselines> {
  const baseline = await startBaselineServer(dataDir);
  try {
    if (settings.warmup > 0)
      await runLoad(baseline, 'baseline warm-up', settings.warmup, baselineRequest('/x'));
    const bare = await runLoad(
      baseline,
      'baseline: bare Hono POST /x',
      settings.duration,
      baselineRequest('/x'),
    );
    const durable = await runLoad(
      baseline,
      'baseline: POST + 1 durable SQLite row',
      settings.duration,
      baselineRequest('/durable'),
    );
    durable.ratio_to_baseline = round(durable.rps_2xx / bare.rps_2xx, 3);
    const floor = async (path: '/transfer-writes' | '/authorization-writes', name: string) => {
      const result = await runLoad(baseline, name, settings.duration, baselineRequest(path));
      result.ratio_to_baseline = round(result.rps_2xx / bare.rps_2xx, 3);
      return result;
    };
    return {
      bare,
      durable,
      ...(floors.transfer
        ? { transferFloor: await floor('/transfer-writes', "floor: POST + a transfer's 4 item writes") }
        : {}),
      ...(floors.authorization
        ? {
            authorizationFloor: await floor(
              '/authorization-writes',
              "floor: POST + an authorization's 5 item writes",
            ),
          }
        : {}),
    };
  } finally {
    await baseline.stop();
  }
}

/** A request shaped like a wallet transfer: a random small JSON body and a 400-character bearer token. */
function baselineRequest(
  path: '/x' | '/durable' | '/transfer-writes' | '/authorization-writes',
): AutocannonRequest {
  return {
    method: 'POST',
    path,
    setupRequest: (request) => ({
      ...request,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${'x'.repeat(400)}` },
      body: JSON.stringify({
        to: `usr_${Math.random().toString(36).slice(2)}`,
        amount: 1 + Math.floor(Math.random() * 100),
        currency: 'USD',
      }),
    }),
  };
}

/** The baseline server in a child process, so it has its own core like the real server; its store lives in `dataDir`. */
function startBaselineServer(dataDir: string): Promise<LoadTarget & { stop: () => Promise<void> }> {
  return startChildServer({
    name: 'baseline server',
    script: join(repoRoot, 'bench/baseline-server.ts'),
    args: (port) => [String(port), dataDir],
    isReady: (output) => output.includes('baseline listening'),
  });
}
