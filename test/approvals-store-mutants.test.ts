import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { approvalIds } from '../server/src/approvals/ids.ts';
import type { Approval } from '../server/src/approvals/model.ts';
import { rewriteApprovalParams } from '../server/src/approvals/params-rewrite.ts';
import {
  approvalCreate,
  approvalKeys,
  approvalParamsReplace,
  approvalReplace,
  approvalTaskToken,
  readApproval,
  type ApprovalRecord,
} from '../server/src/approvals/store.ts';
import { isoTime } from '../server/src/kernel/clock.ts';
import { TransactionCanceledError, type Store, type WriteOperation } from '../server/src/platform/store.ts';
import { SqliteStore } from '../server/src/runtime/local/sqlite-store.ts';

// What the mutation runs of approvals/store.ts (a request's writes, each conditional on its
// version) and approvals/params-rewrite.ts (a migration's walk over a merchant's requests,
// rewriting their params) found no test for: a second create of one id, the task token kept
// through a decision, versions that never come back to one read before; the walk past a page of
// 100, a request the rewrite leaves, a write failing for another reason than a lost race, a
// request that keeps changing, one gone meanwhile. On the real SQLite store; the requests are
// written directly (no money moves).

const start = Date.UTC(2026, 0, 5, 9);
const requester = { user: null, email: null, api_key: 'key_1', role: 'owner' as const };

/** A pending connector change of `merchant`, requested `n` seconds after `start`. */
function pendingRequest(merchant: string, n: number): Approval {
  const at = start + n * 1000;
  return {
    id: approvalIds.newId('approval', at),
    object: 'approval_request',
    merchant,
    action: 'connector_change',
    status: 'pending',
    amount: null,
    currency: null,
    params: { sealed_credentials: `v1.old-${n}`, executor: 'connector_change' },
    summary: `Change ${n}`,
    approvals_required: 1,
    approvals: 0,
    requested_by: requester,
    result: null,
    expires_at: isoTime(at + 72 * 3600 * 1000),
    created_at: isoTime(at),
    steps: [{ type: 'requested', actor: requester, at: isoTime(at), note: null }],
  };
}

/** Stores `count` requests of `merchant` (at most 100 a transaction). */
async function storeRequests(store: Store, merchant: string, count: number): Promise<Approval[]> {
  const requests = Array.from({ length: count }, (_, n) => pendingRequest(merchant, n));
  for (let i = 0; i < requests.length; i += 100)
    await store.transact(
      requests.slice(i, i + 100).map((approval) => approvalCreate({ approval, version: 1, owner: merchant })),
    );
  return requests;
}

/** The params sealed again: the same params with the old value's `v1.` made `v2.`. */
function resealed(approval: Approval): Approval['params'] {
  return {
    ...approval.params,
    sealed_credentials: String(approval.params.sealed_credentials).replace('v1.', 'v2.'),
  };
}

/** The real store with a hook run before each transaction that writes a request's params. */
function hookedStore(inner: Store, beforeParamsWrite: (operation: WriteOperation) => Promise<void>): Store {
  return {
    get: (key) => inner.get(key),
    query: (query) => inner.query(query),
    close: () => inner.close(),
    async transact(operations) {
      const [first] = operations;
      if (first?.type === 'update' && first.set && 'approval' in first.set) await beforeParamsWrite(first);
      return inner.transact(operations);
    },
  };
}

let store: SqliteStore;
beforeEach(() => {
  store = new SqliteStore(':memory:');
});
afterEach(async () => {
  await store.close();
});

/** The request approved by `user`, as a decision would store it. */
function approvedBy(approval: Approval, user: string): Approval {
  const actor = { user, email: `${user}@example.com`, api_key: null, role: 'approver' as const };
  return {
    ...approval,
    status: 'approved',
    approvals: approval.approvals + 1,
    steps: [...approval.steps, { type: 'approved', actor, at: approval.created_at, note: null }],
  };
}

describe('a stored approval request', () => {
  it('refuses a second create of an id, leaving the first request', async () => {
    const [approval] = await storeRequests(store, 'mer_a', 1);
    const other = { ...approval!, summary: 'Another change' };
    await expect(
      store.transact([approvalCreate({ approval: other, version: 1, owner: 'mer_a' })]),
    ).rejects.toBeInstanceOf(TransactionCanceledError);
    expect(await readApproval(store, approval!.id)).toEqual({ approval, version: 1, owner: 'mer_a' });
  });

  it('keeps the task token its state machine waits on through a decision', async () => {
    const [approval] = await storeRequests(store, 'mer_a', 1);
    await store.transact([approvalTaskToken((await readApproval(store, approval!.id))!, 'token-1')]);
    const read = (await readApproval(store, approval!.id))!;
    await store.transact([approvalReplace(read, approvedBy(approval!, 'usr_1'))]);
    expect(await readApproval(store, approval!.id)).toEqual({
      approval: approvedBy(approval!, 'usr_1'),
      version: 3,
      owner: 'mer_a',
      taskToken: 'token-1',
    });
  });

  // Each write moves the version on, never back: a write read two versions ago stays refused
  // whichever writes came between (a decision, the task token, a params rewrite).
  const decision = (record: ApprovalRecord) => approvalReplace(record, approvedBy(record.approval, 'usr_1'));
  const taskToken = (record: ApprovalRecord) => approvalTaskToken(record, 'token-1');
  const rewrite = (record: ApprovalRecord) => approvalParamsReplace(record, resealed(record.approval));
  it.each([
    ['a decision', taskToken, decision],
    ['the task token', decision, taskToken],
    ['a params rewrite', decision, rewrite],
  ])('refuses a decision read two writes before, the second %s', async (_name, first, second) => {
    const [approval] = await storeRequests(store, 'mer_a', 1);
    const stale = (await readApproval(store, approval!.id))!;
    await store.transact([first(stale)]);
    await store.transact([second((await readApproval(store, approval!.id))!)]);
    const latest = (await readApproval(store, approval!.id))!;
    expect(latest.version).toBe(3);
    await expect(
      store.transact([approvalReplace(stale, approvedBy(approval!, 'usr_3'))]),
    ).rejects.toBeInstanceOf(TransactionCanceledError);
    expect(await readApproval(store, approval!.id)).toEqual(latest);
  });
});

describe("rewriting a merchant's approval requests' params", () => {
  it("rewrites every request of the merchant past a first page of 100, each once, and no other merchant's", async () => {
    const mine = await storeRequests(store, 'mer_a', 101);
    const [theirs] = await storeRequests(store, 'mer_b', 1);
    const seen: string[] = [];
    const changed = await rewriteApprovalParams(store, 'mer_a', async (approval) => {
      // A walk that never moves past its first page would go on: stop it here.
      if (seen.length > mine.length) throw new Error('the walk went past every request');
      seen.push(approval.id);
      return resealed(approval);
    });
    expect(changed).toBe(101);
    expect(seen.sort()).toEqual(mine.map((approval) => approval.id).sort());
    for (const approval of mine) {
      const record = (await readApproval(store, approval.id))!;
      expect(record.version).toBe(2);
      expect(record.approval).toEqual({ ...approval, params: resealed(approval) });
    }
    expect(await readApproval(store, theirs!.id)).toMatchObject({ version: 1, approval: theirs });
  });

  it('leaves a request the rewrite answers nothing for, and counts only the ones it changed', async () => {
    const [left, changedOne] = await storeRequests(store, 'mer_a', 2);
    const changed = await rewriteApprovalParams(store, 'mer_a', async (approval) =>
      approval.id === left!.id ? undefined : resealed(approval),
    );
    expect(changed).toBe(1);
    expect(await readApproval(store, left!.id)).toEqual({ approval: left, version: 1, owner: 'mer_a' });
    expect((await readApproval(store, changedOne!.id))!.approval.params).toEqual(resealed(changedOne!));
    expect(await rewriteApprovalParams(store, 'mer_a', async () => undefined)).toBe(0);
  });

  it('throws a write refused for another reason than a lost race, without trying again', async () => {
    const [approval] = await storeRequests(store, 'mer_a', 1);
    const failing = hookedStore(store, async () => {
      throw new Error('disk I/O error');
    });
    let calls = 0;
    await expect(
      rewriteApprovalParams(failing, 'mer_a', async (current) => {
        calls++;
        return resealed(current);
      }),
    ).rejects.toThrow('disk I/O error');
    expect(calls).toBe(1);
    expect(await readApproval(store, approval!.id)).toMatchObject({ version: 1, approval });
  });

  it('rewrites a request written meanwhile from what it now is', async () => {
    const [approval] = await storeRequests(store, 'mer_a', 1);
    let raced = false;
    const racing = hookedStore(store, async () => {
      if (raced) return;
      raced = true;
      await store.transact([approvalTaskToken((await readApproval(store, approval!.id))!, 'token-1')]);
    });
    const versions: number[] = [];
    const changed = await rewriteApprovalParams(racing, 'mer_a', async (current) => {
      versions.push((await readApproval(store, current.id))!.version);
      return resealed(current);
    });
    expect(changed).toBe(1);
    expect(versions).toEqual([1, 2]);
    expect(await readApproval(store, approval!.id)).toEqual({
      approval: { ...approval, params: resealed(approval!) },
      version: 3,
      owner: 'mer_a',
      taskToken: 'token-1',
    });
  });

  it('fails the run after five tries on a request written before each of its writes, leaving it as the last writer left it', async () => {
    const [approval] = await storeRequests(store, 'mer_a', 1);
    let writes = 0;
    const alwaysRaced = hookedStore(store, async () => {
      writes++;
      await store.transact([
        approvalTaskToken((await readApproval(store, approval!.id))!, `token-${writes}`),
      ]);
    });
    let calls = 0;
    await expect(
      rewriteApprovalParams(alwaysRaced, 'mer_a', async (current) => {
        // A walk that never gives up would go on: stop it here.
        if (++calls > 10) throw new Error('still trying');
        return resealed(current);
      }),
    ).rejects.toThrow(`approval request ${approval!.id} kept changing while its params were rewritten`);
    expect(calls).toBe(5);
    expect(await readApproval(store, approval!.id)).toEqual({
      approval,
      version: 6,
      owner: 'mer_a',
      taskToken: 'token-5',
    });
  });

  it('skips a request gone between its read and its write', async () => {
    const [gone, kept] = await storeRequests(store, 'mer_a', 2);
    const deleting = hookedStore(store, async (operation) => {
      if (operation.type === 'update' && operation.key.pk === approvalKeys.request(gone!.id).pk)
        await store.transact([{ type: 'delete', key: approvalKeys.request(gone!.id) }]);
    });
    let calls = 0;
    const changed = await rewriteApprovalParams(deleting, 'mer_a', async (current) => {
      if (++calls > 10) throw new Error('still trying');
      return resealed(current);
    });
    expect(changed).toBe(1);
    expect(calls).toBe(2);
    expect(await readApproval(store, gone!.id)).toBeUndefined();
    expect((await readApproval(store, kept!.id))!.approval.params).toEqual(resealed(kept!));
  });
});
