/** Item keys of the ledger's records: one place, so no other code spells them. */
export const ledgerKeys = {
  account: (id: string) => ({ pk: `ACC#${id}`, sk: 'ACC' }),
  transfer: (id: string) => ({ pk: `TR#${id}`, sk: 'TR' }),
  history: (accountId: string, createdAt: string, transferId: string) => ({ pk: `ACC#${accountId}`, sk: `H#${createdAt}#${transferId}` }),
  historyPartition: (accountId: string) => `ACC#${accountId}`,
  historyPrefix: 'H#',
  /** One never-updated item per account, by currency: how the audit finds every account. */
  registry: (currency: string, accountId: string) => ({ pk: `LEDGER#CURRENCY#${currency}`, sk: accountId }),
  registryPartition: (currency: string) => `LEDGER#CURRENCY#${currency}`,
  currency: (currency: string) => ({ pk: 'LEDGER#CURRENCIES', sk: currency }),
  currenciesPartition: 'LEDGER#CURRENCIES',
  /** gsi1 partition of unresolved holds, sorted by expiry time. */
  pendingPartition: 'LEDGER#PENDING',
  pendingSort: (timeoutAt: number, id: string) => `${String(timeoutAt).padStart(15, '0')}#${id}`,
} as const;
