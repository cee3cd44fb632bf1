export type { Account, AccountFlags, Balance, HistoryEntry, NewAccount, PendingStatus, Transfer, TransferKind, TransferRequest } from './model.ts';
export { balanceOf } from './model.ts';
export { createAccount, createTransfers, getAccount, getTransfer, type LedgerDeps, type LedgerEventSpec, type TransferOptions, type TransferResult } from './service.ts';
export { expirePendingTransfers, listHistory, type HistoryPage } from './history.ts';
export { auditLedger, type AuditReport, type CurrencyAudit } from './audit.ts';
export { systemAccountId, ensureSystemAccount } from './system-accounts.ts';
