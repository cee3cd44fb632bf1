/** Item keys of the sandbox's records: one place, so no other code spells them. */
export const paymentKeys = {
  merchant: (id: string) => ({ pk: `MER#${id}`, sk: 'MER' }),
  /** gsi1 partition of a user's merchants. */
  ownerMerchants: (userId: string) => `MER#OWNER#${userId}`,
  /** gsi2 partition of every merchant: how the real-time expiry sweep finds them. */
  allMerchants: 'MER#ALL',
  /** One item per currency the merchant has accounts in (sort key `CUR#<code>`). */
  merchantCurrency: (merchantId: string, currency: string) => ({ pk: `MER#${merchantId}`, sk: `CUR#${currency}` }),
  merchantCurrencyPrefix: 'CUR#',
  merchantPartition: (merchantId: string) => `MER#${merchantId}`,
  /** An API key is found by the SHA-256 of its secret; the secret itself is never stored. */
  apiKey: (secretHash: string) => ({ pk: `APIKEY#${secretHash}`, sk: 'APIKEY' }),
  /** gsi1 partition of a merchant's keys, sorted by key id. */
  merchantApiKeys: (merchantId: string) => `MER#KEYS#${merchantId}`,
  payment: (id: string) => ({ pk: `PAY#${id}`, sk: 'PAY' }),
  /** gsi1 partition of a merchant's payments, sorted by id (so by creation time). */
  merchantPayments: (merchantId: string) => `MER#PAYS#${merchantId}`,
  /** gsi2 partition of a merchant's open authorizations, sorted by capture_before. */
  merchantAuthorizations: (merchantId: string) => `MER#AUTHS#${merchantId}`,
  /** gsi2 partition of a merchant's captured, not yet settled payments, sorted by `<captured_at>#<id>`. */
  merchantUnsettled: (merchantId: string) => `MER#UNSETTLED#${merchantId}`,
  settlement: (id: string) => ({ pk: `STL#${id}`, sk: 'STL' }),
  /** gsi1 partition of a merchant's settlements, sorted by id (so by the day they settle). */
  merchantSettlements: (merchantId: string) => `MER#STLS#${merchantId}`,
  dispute: (id: string) => ({ pk: `DP#${id}`, sk: 'DP' }),
  /** gsi1 partition of a merchant's disputes, sorted by id. */
  merchantDisputes: (merchantId: string) => `MER#DPS#${merchantId}`,
  /** gsi2 partition of a merchant's open disputes, sorted by `<evidence_due_by>#<id>`. */
  merchantOpenDisputes: (merchantId: string) => `MER#DPOPEN#${merchantId}`,
  refund: (id: string) => ({ pk: `RE#${id}`, sk: 'RE' }),
  /** The per-installation secret card fingerprints are keyed with. */
  fingerprintSecret: { pk: 'PAYMENTS#CONFIG', sk: 'FINGERPRINT_SECRET' },
} as const;
