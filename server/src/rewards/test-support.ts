import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../kernel/clock.ts';
import { silentLogger } from '../platform/logger.ts';
import type { ModuleDeps } from '../platform/module.ts';
import { createLocalPlatform, type LocalPlatform } from '../runtime/local/platform.ts';
import type { RewardsDeps } from './deps.ts';
import { rewardsDepsOf } from './index.ts';

/**
 * Test builders for the rewards module: the whole local runtime (SQLite file in a temp dir, the
 * store queue with the award consumer, the mailbox notifier) on a manual clock that starts at
 * midday UTC, driven through `app.request()` and `queue.drain()`.
 */
export const rewardsTestStart = Date.UTC(2026, 0, 15, 12, 0, 0);

export interface RewardsTestPlatform {
  platform: LocalPlatform;
  clock: ManualClock;
  deps: RewardsDeps;
  call: (
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ) => Promise<{ status: number; json: any; headers: Headers }>; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read bodies freely
  signUp: (name: string, email?: string) => Promise<{ id: string; email: string; token: string }>;
  /** A fresh access token (after the clock moved past the last one's expiry). */
  logIn: (email: string) => Promise<string>;
  close: () => Promise<void>;
}

let sequence = 0;

export async function rewardsTestPlatform(
  options: { clock?: ManualClock; testHooks?: ModuleDeps['testHooks'] } = {},
): Promise<RewardsTestPlatform> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sluice-rewards-'));
  const clock = options.clock ?? new ManualClock(rewardsTestStart);
  const platform = await createLocalPlatform({
    dataDir,
    store: 'sqlite',
    sqliteWriter: 'inline',
    logger: silentLogger,
    clock,
    config: { adminEmails: ['admin@example.com'] },
    ...(options.testHooks ? { testHooks: options.testHooks } : {}),
  });
  const call: RewardsTestPlatform['call'] = async (method, path, callOptions = {}) => {
    const headers: Record<string, string> = { ...callOptions.headers };
    if (callOptions.token) headers.authorization = `Bearer ${callOptions.token}`;
    if (callOptions.body !== undefined) headers['content-type'] = 'application/json';
    const response = await platform.app.request(path, {
      method,
      headers,
      ...(callOptions.body !== undefined ? { body: JSON.stringify(callOptions.body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined, headers: response.headers };
  };
  const signUp: RewardsTestPlatform['signUp'] = async (name, email) => {
    sequence += 1;
    const address = email ?? `${name.toLowerCase()}${sequence}@example.com`;
    const response = await call('POST', '/v1/auth/signup', {
      body: { email: address, password: 'correct horse battery', name },
    });
    if (response.status !== 201)
      throw new Error(`sign-up failed: ${response.status} ${JSON.stringify(response.json)}`);
    return { id: response.json.user.id, email: address, token: response.json.access_token };
  };
  const logIn: RewardsTestPlatform['logIn'] = async (email) => {
    const response = await call('POST', '/v1/auth/login', {
      body: { email, password: 'correct horse battery' },
    });
    if (response.status !== 200)
      throw new Error(`login failed: ${response.status} ${JSON.stringify(response.json)}`);
    return response.json.access_token as string;
  };
  return {
    platform,
    logIn,
    clock,
    deps: rewardsDepsOf(platform.moduleDeps),
    call,
    signUp,
    close: async () => {
      await platform.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
