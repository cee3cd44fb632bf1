import { describe, expect, it } from 'vitest';
import { hubKeys } from '../server/src/hub/store.ts';
import { setUpHubMerchant, stripeCredentials } from '../server/src/hub/test-support.ts';
import { asMember, joinMerchant } from '../server/src/payments/test-support.ts';
import type { Store, WriteOperation } from '../server/src/platform/store.ts';
import { createTestApp } from './app-harness.ts';
import { bothStores } from './both-stores.ts';

// Connector changes under the connector_change policy happen exactly once: the change's writes
// and the request's `executed` mark are one store transaction. The crash is injected at the store
// (a process dying in the transaction's commit call, before or after it lands), on both stores.

/** Where a crash strikes the commit of a connector change: before it lands, or after. */
type Crash = 'before-commit' | 'after-commit' | null;

/** A store whose commit of a connector change crashes once, as `crash` says. */
function crashingStore(inner: Store): Store & { crash: Crash } {
  const connectorPrefix = hubKeys.connector('').pk;
  const isConnectorChange = (operations: WriteOperation[]) =>
    operations.some((op) => String(op.type === 'put' ? op.item.pk : op.key.pk).startsWith(connectorPrefix));
  const store: Store & { crash: Crash } = {
    crash: null,
    get: (key) => inner.get(key),
    query: (query) => inner.query(query),
    close: () => inner.close(),
    ...(inner.consistentIndexes !== undefined ? { consistentIndexes: inner.consistentIndexes } : {}),
    async transact(operations) {
      const crash = store.crash;
      if (crash === null || !isConnectorChange(operations)) return inner.transact(operations);
      store.crash = null;
      if (crash === 'after-commit') await inner.transact(operations);
      throw new Error(`injected crash ${crash}`);
    },
  };
  return store;
}

const join = joinMerchant;

async function setUp(open: () => Promise<Store>) {
  const store = crashingStore(await open());
  const t = createTestApp({ store });
  const { merchant, api } = await setUpHubMerchant(t, ['sandbox_card']);
  const approvers = [await join(t, merchant, 'approver'), await join(t, merchant, 'approver')];
  expect(
    (await api('PUT', '/v1/approval-policies', { action: 'connector_change', approvals: 1 })).status,
  ).toBe(200);
  const providers = async () =>
    ((await api('GET', '/v1/connectors')).json.data as Array<{ provider: string }>)
      .map((c) => c.provider)
      .sort();
  return { store, t, merchant, api, approvers, providers };
}

describe.each(bothStores('sluice-approval-connectors'))('approved connector changes (%s)', (_name, open) => {
  it('makes no change and keeps the request pending when the commit crashes; the retry makes it once', async () => {
    const { store, t, merchant, api, approvers, providers } = await setUp(open);
    const held = await api('POST', '/v1/connectors', { provider: 'stripe', credentials: stripeCredentials });
    expect(held.status).toBe(202);
    const approve = asMember(t, merchant, approvers[0]!);
    store.crash = 'before-commit';
    expect((await approve('POST', `/v1/approvals/${held.json.id}/approve`)).status).toBe(500);
    // Nothing half done: no connector, and the approval was not counted.
    expect(await providers()).toEqual(['sandbox_card']);
    const pending = (await api('GET', `/v1/approvals/${held.json.id}`)).json;
    expect(pending).toMatchObject({ status: 'pending', approvals: 0 });
    const retried = await approve('POST', `/v1/approvals/${held.json.id}/approve`);
    expect(retried.status).toBe(200);
    expect(retried.json.status).toBe('executed');
    expect(await providers()).toEqual(['sandbox_card', 'stripe']);
    const [stripe] = (await api('GET', '/v1/connectors')).json.data.filter(
      (c: { provider: string }) => c.provider === 'stripe',
    );
    expect(retried.json.result).toEqual({ op: 'create', connector: stripe.id });
    await t.store.close();
  });

  it('makes the change once when the commit lands but the answer is lost; a retry is told it is closed', async () => {
    const { store, t, merchant, api, approvers, providers } = await setUp(open);
    const [sandbox] = (await api('GET', '/v1/connectors')).json.data as Array<{ id: string }>;
    const held = await api('DELETE', `/v1/connectors/${sandbox!.id}`);
    expect(held.status).toBe(202);
    const approve = asMember(t, merchant, approvers[0]!);
    store.crash = 'after-commit';
    expect((await approve('POST', `/v1/approvals/${held.json.id}/approve`)).status).toBe(500);
    // Both landed together: the connector is gone and the request says executed.
    expect(await providers()).toEqual([]);
    expect((await api('GET', `/v1/connectors/${sandbox!.id}`)).status).toBe(404);
    // Gone for the merchant, kept for the recovery job until the store's TTL (a Number) removes it.
    expect(await store.get(hubKeys.connector(sandbox!.id))).toMatchObject({
      deleted_at: expect.any(String),
      expires_at: expect.any(Number),
    });
    const executed = (await api('GET', `/v1/approvals/${held.json.id}`)).json;
    expect(executed).toMatchObject({ status: 'executed', result: { op: 'delete', connector: sandbox!.id } });
    const retried = await approve('POST', `/v1/approvals/${held.json.id}/approve`);
    expect(retried.status).toBe(409);
    expect(retried.json.error.code).toBe('approval_closed');
    await t.store.close();
  });

  it('applies a change once when two final approvals arrive together', async () => {
    const { t, merchant, api, approvers } = await setUp(open);
    const [sandbox] = (await api('GET', '/v1/connectors')).json.data as Array<{ id: string }>;
    const held = await api('PATCH', `/v1/connectors/${sandbox!.id}`, { name: 'Renamed once' });
    expect(held.status).toBe(202);
    const answers = await Promise.all(
      approvers.map((user) => asMember(t, merchant, user)('POST', `/v1/approvals/${held.json.id}/approve`)),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const request = (await api('GET', `/v1/approvals/${held.json.id}`)).json;
    expect(request.status).toBe('executed');
    expect(request.steps.map((s: { type: string }) => s.type)).toEqual(['requested', 'approved', 'executed']);
    expect((await api('GET', `/v1/connectors/${sandbox!.id}`)).json.name).toBe('Renamed once');
    await t.store.close();
  });

  it('ends the request failed, with no change, when the change is refused at approval time', async () => {
    const { t, merchant, api, approvers, providers } = await setUp(open);
    // Two requests for the same provider: a merchant has one connector of each.
    const held = await api('POST', '/v1/connectors', { provider: 'stripe', credentials: stripeCredentials });
    const second = await api('POST', '/v1/connectors', {
      provider: 'stripe',
      credentials: stripeCredentials,
    });
    expect(second.status).toBe(202);
    // The first approved makes the connector; the second's create is refused (one per provider).
    expect(
      (await asMember(t, merchant, approvers[0]!)('POST', `/v1/approvals/${held.json.id}/approve`)).json
        .status,
    ).toBe('executed');
    const refused = await asMember(
      t,
      merchant,
      approvers[0]!,
    )('POST', `/v1/approvals/${second.json.id}/approve`);
    expect(refused.status).toBe(200);
    expect(refused.json).toMatchObject({ status: 'failed', result: { error: { code: 'connector_exists' } } });
    expect(await providers()).toEqual(['sandbox_card', 'stripe']);
    await t.store.close();
  });
});
