import { credentialsKeySecret } from '../hub/index.ts';
import { sealValue, unsealValue, type SealDeps, type SealPurpose } from '../platform/sealed-values.ts';

/**
 * A saved ACH mandate's account (number and holder) at rest: sealed (v2, `platform/sealed-values.ts`)
 * under a key derived from `hub/credentials-key`, unsealed only to submit a debit, never returned
 * or logged. Billing's own HKDF info gives it a key of its own; the secret is the hub's because
 * every billing function already reads it to charge through the hub's connectors, so a secret of
 * billing's own would be granted to the same functions and keep nothing further apart.
 *
 * Older releases sealed it as v1 under a key derived from the installation secret kept in the
 * table; those still open, and billing's migration 1 (`migrations.ts`) seals them again as v2.
 */
export const bankAccounts: SealPurpose = {
  secret: credentialsKeySecret.name,
  salt: 'sluice-billing',
  info: 'bank-accounts-kek',
  v1Info: 'bank-accounts',
  what: 'sealed bank accounts',
  whenLost: "save the customer's bank account again",
};

/** A saved account's number and holder, as sealed. */
export interface BankAccount {
  account_number: string;
  account_holder_name: string;
}

/** @example method.sealed_account = await sealBankAccount(deps, { account_number, account_holder_name }); */
export const sealBankAccount = (deps: SealDeps, account: BankAccount): Promise<string> =>
  sealValue(deps, bankAccounts, JSON.stringify(account));

/** Opens what {@link sealBankAccount} (or v1) sealed. */
export async function unsealBankAccount(deps: SealDeps, sealed: string): Promise<BankAccount> {
  return JSON.parse(await unsealValue(deps, bankAccounts, sealed)) as BankAccount;
}
