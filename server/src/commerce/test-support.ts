import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../kernel/clock.ts';
import { balanceOf, createTransfers, ensureSystemAccount, getAccount } from '../ledger/index.ts';
import { silentLogger, type Logger } from '../platform/logger.ts';
import { createLocalPlatform, type LocalPlatform } from '../runtime/local/platform.ts';
import { ensureWallet, walletAccountId } from '../wallet/index.ts';
import type { CommerceHooks } from './saga.ts';

/**
 * Test builders for commerce: the whole local runtime (SQLite file in a temp dir, the in-process
 * ASL runner, the mailbox notifier, file blobs) on a manual clock, driven through `app.request()`.
 * Users sign up over HTTP and get a wallet funded with the sign-up bonus.
 */
export const commerceTestStart = Date.UTC(2026, 0, 15, 12, 0, 0);
export const signupBonus = 100_000;
export const adminEmail = 'admin@example.com';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read bodies freely
type Json = any;

export interface CommerceTestPlatform {
  platform: LocalPlatform;
  clock: ManualClock;
  dataDir: string;
  call: (
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ) => Promise<{ status: number; json: Json; headers: Headers }>;
  signUp: (name: string, email?: string) => Promise<{ id: string; email: string; token: string }>;
  /** A fresh access token (after the clock moved past the last one's expiry). */
  logIn: (email: string) => Promise<string>;
  /** An admin's token (signed up once with the admin email). */
  adminToken: () => Promise<string>;
  createProduct: (input: Record<string, unknown>) => Promise<Json>;
  /** The order once it has left `processing` (the saga runs in the background), over HTTP. */
  waitForOrder: (token: string, id: string) => Promise<Json>;
  /**
   * `read()`'s first answer other than undefined, read again each time a background workflow run
   * ends; throws when it is still undefined and no run is left that could change that.
   */
  afterWorkflows: <T>(read: () => Promise<T | undefined>, what: string) => Promise<T>;
  /** The subjects of the shop's emails to `email`, newest first (other modules mail too). */
  shopMail: (email: string) => Promise<string[]>;
  /** The buyer's wallet: available balance and amount on hold. */
  wallet: (userId: string) => Promise<{ available: number; pending: number }>;
  close: () => Promise<void>;
}

let sequence = 0;

export async function commerceTestPlatform(
  options: { hooks?: CommerceHooks; clock?: ManualClock; dataDir?: string; logger?: Logger } = {},
): Promise<CommerceTestPlatform> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'sluice-commerce-')));
  const clock = options.clock ?? new ManualClock(commerceTestStart);
  const platform = await createLocalPlatform({
    dataDir,
    store: 'sqlite',
    sqliteWriter: 'inline',
    logger: options.logger ?? silentLogger,
    clock,
    publicUrl: 'http://localhost:3000',
    config: { adminEmails: [adminEmail], signupBonus, signupBonusBudget: 1_000_000_000 },
    testHooks: { commerce: options.hooks ?? {} },
  });
  const call: CommerceTestPlatform['call'] = async (method, path, callOptions = {}) => {
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
  const walletDeps = {
    store: platform.store,
    clock,
    config: platform.config,
    users: platform.identity,
    logger: silentLogger,
  };
  const signUp: CommerceTestPlatform['signUp'] = async (name, email) => {
    sequence += 1;
    const address = email ?? `${name.toLowerCase()}${sequence}@example.com`;
    const response = await call('POST', '/v1/auth/signup', {
      body: { email: address, password: 'correct horse battery', name },
    });
    if (response.status !== 201)
      throw new Error(`sign-up failed: ${response.status} ${JSON.stringify(response.json)}`);
    // The wallet opens on the sign-up event; the bus is not running here, so open it directly,
    // and fund it to the bonus from the issuance account (an unverified user gets no bonus).
    const userId = response.json.user.id as string;
    await ensureWallet(walletDeps, userId);
    const { available } = await wallet(userId);
    if (available < signupBonus) {
      const issuance = await ensureSystemAccount(platform, 'issuance', 'USD');
      await createTransfers(platform, [
        {
          id: `tr_test_funding_${userId}`,
          debit_account_id: issuance.id,
          credit_account_id: walletAccountId(userId, 'USD'),
          amount: signupBonus - available,
          currency: 'USD',
          code: 'test_funding',
        },
      ]);
    }
    return { id: response.json.user.id, email: address, token: response.json.access_token };
  };
  const logIn: CommerceTestPlatform['logIn'] = async (email) => {
    const response = await call('POST', '/v1/auth/login', {
      body: { email, password: 'correct horse battery' },
    });
    if (response.status !== 200) throw new Error(`login failed: ${response.status}`);
    return response.json.access_token as string;
  };
  let admin: Promise<string> | undefined;
  const adminToken = () => (admin ??= signUp('Admin', adminEmail).then((user) => user.token));
  const createProduct: CommerceTestPlatform['createProduct'] = async (input) => {
    const response = await call('POST', '/v1/products', {
      token: await adminToken(),
      body: { description: '', currency: 'USD', category: 'general', ...input },
    });
    if (response.status !== 201)
      throw new Error(`product not created: ${response.status} ${JSON.stringify(response.json)}`);
    return response.json;
  };
  const afterWorkflows: CommerceTestPlatform['afterWorkflows'] = async (read, what) => {
    for (;;) {
      // Asked before the read: a run that ends while it reads still wakes this loop.
      const ended = platform.nextWorkflowEnd();
      const value = await read();
      if (value !== undefined) return value;
      if (!(await ended)) throw new Error(`${what}, and no workflow is running`);
    }
  };
  const waitForOrder: CommerceTestPlatform['waitForOrder'] = (token, id) =>
    afterWorkflows(async () => {
      const response = await call('GET', `/v1/orders/${id}`, { token });
      if (response.status !== 200) throw new Error(`order ${id}: ${response.status}`);
      return response.json.status === 'processing' ? undefined : response.json;
    }, `order ${id} is still processing`);
  async function wallet(userId: string): Promise<{ available: number; pending: number }> {
    const account = await getAccount(platform, walletAccountId(userId, 'USD'));
    if (!account) throw new Error(`no wallet for ${userId}`);
    const balance = balanceOf(account);
    return { available: balance.available, pending: account.debits_pending };
  }
  return {
    platform,
    clock,
    dataDir,
    call,
    signUp,
    logIn,
    adminToken,
    createProduct,
    waitForOrder,
    afterWorkflows,
    wallet,
    async shopMail(email) {
      const { items } = await platform.notifier.list(email, { limit: 100 });
      return items.flatMap((item) =>
        item.channel === 'email' && item.subject.includes('Sluice Shop') ? [item.subject] : [],
      );
    },
    async close() {
      await platform.stop();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A shipping address in Stripe's shape. */
export const shippingAddress = {
  name: 'Ann Buyer',
  line1: '1 Market St',
  city: 'San Francisco',
  state: 'CA',
  postal_code: '94105',
  country: 'US',
};
