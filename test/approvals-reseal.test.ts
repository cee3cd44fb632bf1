import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { migrationsOf } from '../server/src/app/migrations.ts';
import { approvalParamsReplace, approvalTaskToken, readApproval } from '../server/src/approvals/store.ts';
import { unsealCredentials } from '../server/src/hub/credentials.ts';
import { hubModule } from '../server/src/hub/index.ts';
import { resealApprovalParams } from '../server/src/hub/migrations.ts';
import { cardMethod, setUpHubMerchant, stripeCredentials } from '../server/src/hub/test-support.ts';
import { asMember } from '../server/src/payments/test-support.ts';
import { installationSecret } from '../server/src/platform/installation-secret.ts';
import { runMigrations } from '../server/src/platform/migrations.ts';
import type { Item, Store } from '../server/src/platform/store.ts';
import { capturingLogger, createTestApp, moduleDepsFor, type TestApp } from './app-harness.ts';
import { bothScannedStores } from './both-stores.ts';
import { expectBooksBalanced } from './invariants.ts';

// The hub's migration 2: approval requests written before v2 keep v1 sealed values in their
// params (a merchant payout's and a vendor payout's bank account number, a connector change's
// credentials); the migration seals them again as v2, on SQLite (a data file, read row by row)
// and DynamoDB Local (a table, scanned), with the real local Secrets.

const stores = bothScannedStores('sluice-approvals-reseal');

const merchantAccount = '000123456789';
const vendorAccount = '000987654321';

/** Seals as the hub did before v2: under a key derived from the installation secret in the table. */
function sealV1(secret: string, text: string, key?: Buffer): string {
  const v1Key = key ?? Buffer.from(hkdfSync('sha256', secret, 'sluice-hub', 'connector-credentials', 32));
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', v1Key, iv);
  const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), body]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
}

/** Every stored string that is a v1 sealed value, by the key of the item holding it. */
function v1Values(items: Item[]): string[] {
  const found: string[] = [];
  const walk = (item: Item, value: unknown): void => {
    if (typeof value === 'string' && value.startsWith('v1.')) found.push(`${item.pk}|${item.sk}`);
    else if (value && typeof value === 'object') for (const inner of Object.values(value)) walk(item, inner);
  };
  for (const item of items) walk(item, item);
  return found.sort();
}

/** The sealed strings of a request's params, where the hub puts them. */
function sealedParams(params: Record<string, unknown>): string[] {
  const p = params as {
    sealed_credentials?: string;
    bank_account?: { sealed_account: string };
    destination?: { bank_account?: { sealed_account: string } };
  };
  return [
    p.sealed_credentials,
    p.bank_account?.sealed_account,
    p.destination?.bank_account?.sealed_account,
  ].filter((value): value is string => typeof value === 'string');
}

/**
 * Rewrites the request's params as a release before v2 stored them: each sealed value v1 (the
 * same content), or under `foreignKey` (another installation's: it does not open here).
 */
async function asOldRelease(t: TestApp, id: string, foreignKey?: Buffer): Promise<void> {
  const record = (await readApproval(t.store, id))!;
  const secret = await installationSecret(t.store);
  let text = JSON.stringify(record.approval.params);
  for (const sealed of sealedParams(record.approval.params)) {
    const open = JSON.stringify(await unsealCredentials(t, sealed));
    text = text.replace(sealed, sealV1(secret, open, foreignKey));
  }
  await t.store.transact([approvalParamsReplace(record, JSON.parse(text))]);
}

/** A merchant with funds and a vendor owed, payouts and connector changes under one approval. */
async function setUp(t: TestApp) {
  const { merchant, api } = await setUpHubMerchant(t, ['sandbox_card']);
  const ach = await api('POST', '/v1/connectors', {
    provider: 'ach',
    credentials: { company_name: 'Acme', company_id: '1234567890', odfi_routing_number: '091000019' },
  });
  expect(ach.status, ach.text).toBe(201);
  const vendor = (await api('POST', '/v1/vendors', { name: 'Roaster' })).json.id as string;
  const paid = await api('POST', '/v1/payment-intents', {
    amount: 10_000,
    currency: 'USD',
    payment_method: cardMethod(),
    splits: [{ vendor, amount: 3000 }],
  });
  expect(paid.status, paid.text).toBe(201);
  await api('POST', '/v1/test-helpers/advance-clock', { seconds: 2 * 86_400 });
  await api('POST', '/v1/test-helpers/vendors/settle');
  const owner = asMember(t, merchant, merchant.owner);
  for (const policy of [
    { action: 'payout', threshold: 100, approvals: 1 },
    { action: 'connector_change', approvals: 1 },
  ])
    expect((await owner('PUT', '/v1/approval-policies', policy)).status).toBe(200);
  const email = `approver-${Math.random().toString(36).slice(2, 10)}@example.com`;
  const invited = await owner('POST', `/v1/merchants/${merchant.id}/members`, { email, role: 'approver' });
  expect(invited.status, invited.text).toBe(201);
  const approverUser = await t.signUp('approver', email);
  const approver = asMember(t, merchant, approverUser);
  expect((await approver('GET', '/v1/approvals')).status).toBe(200);
  return { merchant, vendor, owner, approver };
}

describe.each(stores)(
  "the hub's migration 2: approval requests' v1 params sealed again as v2 (%s)",
  (_name, open) => {
    it('re-seals every request, whatever its status, to the same content; pending ones still execute; a second run changes nothing', {
      timeout: 120_000,
    }, async () => {
      const { store, scan } = await open();
      const t = createTestApp({ store });
      try {
        const { vendor, owner, approver } = await setUp(t);
        const bank = (account_number: string) => ({
          routing_number: '231380104',
          account_number,
          account_holder_name: 'Acme Coffee LLC',
        });
        const asked = async (path: string, body: unknown) => {
          const response = await owner('POST', path, body);
          expect(response.status, response.text).toBe(202);
          return response.json.id as string;
        };
        const requests = {
          payout: await asked('/v1/payouts', {
            amount: 500,
            currency: 'USD',
            destination: 'ach',
            bank_account: bank(merchantAccount),
          }),
          vendorPayout: await asked(`/v1/vendors/${vendor}/payouts`, {
            amount: 2000,
            currency: 'USD',
            destination: { type: 'bank_account', bank_account: bank(vendorAccount) },
          }),
          connector: await asked('/v1/connectors', { provider: 'stripe', credentials: stripeCredentials }),
          rejected: await asked('/v1/payouts', {
            amount: 400,
            currency: 'USD',
            destination: 'ach',
            bank_account: bank(merchantAccount),
          }),
          foreign: await asked('/v1/connectors', {
            provider: 'paypal',
            credentials: { client_id: 'id', client_secret: 'cs_foreign' },
          }),
        };
        expect((await approver('POST', `/v1/approvals/${requests.rejected}/reject`)).status).toBe(200);
        const opened = async (id: string) =>
          Promise.all(
            sealedParams((await readApproval(store, id))!.approval.params).map((sealed) =>
              unsealCredentials(t, sealed),
            ),
          );
        const before = {
          payout: await opened(requests.payout),
          vendorPayout: await opened(requests.vendorPayout),
          connector: await opened(requests.connector),
          rejected: await opened(requests.rejected),
        };
        expect(before.payout).toEqual([{ account_number: merchantAccount }]);
        expect(before.vendorPayout).toEqual([{ account_number: vendorAccount }]);
        expect(before.connector).toEqual([stripeCredentials]);
        for (const id of [requests.payout, requests.vendorPayout, requests.connector, requests.rejected])
          await asOldRelease(t, id);
        await asOldRelease(t, requests.foreign, Buffer.alloc(32, 7));
        const foreignKey = `APV#${requests.foreign}|APV`;
        expect(v1Values(await scan())).toHaveLength(5);
        expect((await readApproval(store, requests.rejected))!.approval.status).toBe('rejected');

        const logger = capturingLogger();
        const modules = [hubModule];
        const deps = moduleDepsFor(t, modules, { store, logger });
        const summary = await runMigrations(deps, migrationsOf(modules));
        expect(summary.ran).toMatchObject([
          { module: 'hub', version: 1 },
          { module: 'hub', version: 2, changed: 4 },
        ]);
        // No v1 value is left but the one that does not open, logged by request id and nothing of it.
        expect(v1Values(await scan())).toEqual([foreignKey]);
        expect(logger.lines.filter(([message]) => message.includes('does not open'))).toEqual([
          ['sealed value left as v1: it does not open', { kind: 'approval_request', id: requests.foreign }],
        ]);
        for (const [name, content] of Object.entries(before)) {
          const id = requests[name as keyof typeof before];
          const params = (await readApproval(store, id))!.approval.params;
          expect(sealedParams(params).every((sealed) => sealed.startsWith('v2.'))).toBe(true);
          expect(await opened(id)).toEqual(content);
        }
        const after = await scan();
        for (const secret of [
          merchantAccount,
          vendorAccount,
          ...Object.values(stripeCredentials),
          'cs_foreign',
        ])
          expect(JSON.stringify(after)).not.toContain(secret);

        // Run again (as after a crash before its record): nothing changes.
        expect(await resealApprovalParams({ ...deps, logger: capturingLogger() })).toMatchObject({
          changed: 0,
        });
        const key = (item: Item) => `${item.pk}|${item.sk}`;
        const byKey = (items: Item[]) => [...items].sort((x, y) => key(x).localeCompare(key(y)));
        expect(byKey(await scan())).toEqual(byKey(after));

        // The pending requests still execute, to the same accounts and with the same credentials.
        for (const id of [requests.payout, requests.vendorPayout, requests.connector]) {
          const decided = await approver('POST', `/v1/approvals/${id}/approve`);
          expect(decided.status, decided.text).toBe(200);
          expect(decided.json.status, decided.text).toBe('executed');
        }
        const entries = (await scan()).filter(
          (item) => typeof item.trace_number === 'string' && typeof item.sealed_account === 'string',
        );
        const paidTo = await Promise.all(
          entries.map(
            async (entry) => (await unsealCredentials(t, entry.sealed_account as string)).account_number,
          ),
        );
        expect(paidTo.sort()).toEqual([merchantAccount, vendorAccount].sort());
        const stripe = (await scan()).find(
          (item) => item.provider === 'stripe' && typeof item.sealed_credentials === 'string',
        );
        expect(await unsealCredentials(t, stripe!.sealed_credentials as string)).toEqual(stripeCredentials);
        const final = await scan();
        for (const secret of [merchantAccount, vendorAccount, ...Object.values(stripeCredentials)])
          expect(JSON.stringify(final)).not.toContain(secret);
        await expectBooksBalanced(store);
      } finally {
        await store.close();
      }
    });

    it('reads a request written between its read and its write again, and re-seals it keeping that write', async () => {
      const { store } = await open();
      const t = createTestApp({ store });
      try {
        const { merchant, api } = await setUpHubMerchant(t, ['sandbox_card']);
        const owner = asMember(t, merchant, merchant.owner);
        expect(
          (await owner('PUT', '/v1/approval-policies', { action: 'connector_change', approvals: 1 })).status,
        ).toBe(200);
        const held = await api('POST', '/v1/connectors', {
          provider: 'stripe',
          credentials: stripeCredentials,
        });
        expect(held.status, held.text).toBe(202);
        await asOldRelease(t, held.json.id);
        let raced = false;
        // The state machine's task token lands (a new version) between the migration's read and write.
        const racing: Store = {
          get: (key) => store.get(key),
          query: (query) => store.query(query),
          close: () => store.close(),
          transact: async (operations) => {
            const target = operations[0];
            if (!raced && target?.type === 'update' && target.key.pk === `APV#${held.json.id}`) {
              raced = true;
              await store.transact([
                approvalTaskToken((await readApproval(store, held.json.id))!, 'token-1'),
              ]);
            }
            return store.transact(operations);
          },
        };
        const result = await resealApprovalParams({
          store: racing,
          secrets: t.secrets,
          clock: t.clock,
          logger: capturingLogger(),
        });
        expect(raced).toBe(true);
        expect(result).toEqual({ changed: 1, unopened: [] });
        const record = (await readApproval(store, held.json.id))!;
        expect(record.taskToken).toBe('token-1');
        expect(sealedParams(record.approval.params)[0]!.startsWith('v2.')).toBe(true);
        expect(await unsealCredentials(t, sealedParams(record.approval.params)[0]!)).toEqual(
          stripeCredentials,
        );
      } finally {
        await store.close();
      }
    });
  },
);
