import { ledgerKeyPatterns } from './store.ts';
import { defineModule } from '../platform/module.ts';
import { expirePendingTransfers } from './history.ts';
import { migrateToTransferHistory } from './migrations.ts';
import { ledgerAdminRoutes } from './routes.ts';
import { foldAllShards } from './shards.ts';
export type {
  Account,
  AccountFlags,
  Balance,
  HistoryEntry,
  NewAccount,
  PendingStatus,
  Transfer,
  TransferKind,
  TransferRequest,
} from './model.ts';
export { balanceOf } from './model.ts';
export {
  createAccount,
  createTransfers,
  getAccount,
  getTransfer,
  type LedgerDeps,
  type LedgerEventSpec,
  type TransferOptions,
  type TransferResult,
} from './service.ts';
export {
  expirePendingTransfers,
  listHistory,
  listHistoryWhere,
  movementStatus,
  type HistoryPage,
} from './history.ts';
export { auditLedger, type AuditReport, type CurrencyAudit } from './audit.ts';
export { systemAccountId, ensureSystemAccount } from './system-accounts.ts';
export { setAccountFlag, type SetAccountFlagResult } from './flags.ts';
export { foldAccountShards, setAccountShards } from './shards.ts';

/**
 * The ledger as a module: the admins' audit and account sharding, the expiry of holds whose
 * timeout passed, and the folding of sharded credits into limited accounts.
 */
export const ledgerModule = defineModule({
  name: 'ledger',
  http: {
    paths: [
      { prefix: '/v1/admin/audit', auth: 'admin' },
      { prefix: '/v1/admin/ledger', auth: 'admin' },
    ],
    routes: (deps) => ledgerAdminRoutes(deps),
  },
  jobs: [
    {
      name: 'ledger.expire-holds',
      cron: '* * * * *',
      // Locally every second, so sandbox holds lapse on time; EventBridge Scheduler's finest is a minute.
      localEveryMs: 1000,
      description: 'Expires ledger holds whose timeout has passed',
      run: (deps) => expirePendingTransfers(deps),
    },
    {
      name: 'ledger.fold-shards',
      cron: '* * * * *',
      localEveryMs: 5000,
      description: "Moves credits waiting in a limited account's shards to the item its limit check reads",
      run: (deps) => foldAllShards(deps),
    },
  ],
  keys: ledgerKeyPatterns,
  migrations: [
    {
      version: 1,
      description:
        'History read from the transfers: each history item becomes its transfer’s index entry; system accounts get their shards',
      run: (deps) => migrateToTransferHistory(deps),
    },
  ],
});
