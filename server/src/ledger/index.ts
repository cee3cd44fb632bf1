import { ledgerKeyPatterns } from './store.ts';
import { defineModule } from '../platform/module.ts';
import { expirePendingTransfers } from './history.ts';
import { ledgerAdminRoutes } from './routes.ts';
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
export { expirePendingTransfers, listHistory, type HistoryPage } from './history.ts';
export { auditLedger, type AuditReport, type CurrencyAudit } from './audit.ts';
export { systemAccountId, ensureSystemAccount } from './system-accounts.ts';
export { setAccountFlag, type SetAccountFlagResult } from './flags.ts';

/** The ledger as a module: the admins' audit, and the expiry of holds whose timeout passed. */
export const ledgerModule = defineModule({
  name: 'ledger',
  http: { paths: [{ prefix: '/v1/admin/audit', auth: 'admin' }], routes: (deps) => ledgerAdminRoutes(deps) },
  jobs: [
    {
      name: 'ledger.expire-holds',
      cron: '* * * * *',
      // Locally every second, so sandbox holds lapse on time; EventBridge Scheduler's finest is a minute.
      localEveryMs: 1000,
      description: 'Expires ledger holds whose timeout has passed',
      run: (deps) => expirePendingTransfers(deps),
    },
  ],
  keys: ledgerKeyPatterns,
});
