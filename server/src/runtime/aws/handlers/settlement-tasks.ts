import { awsPlatform, buildDuringInit } from '../platform.ts';

buildDuringInit(awsPlatform);

/**
 * Settlement state machine, Task `ListMerchantsDue`: `{}` or `{ merchant }` in,
 * `{ merchants: [...] }` out. The same handler the local ASL runner maps.
 *
 * @example
 * const { merchants } = await listMerchantsDue({});
 */
export async function listMerchantsDue(input: unknown): Promise<{ merchants: string[] }> {
  return awsPlatform().settlement.ListMerchantsDue(input);
}

/**
 * Settlement state machine, Task `SettleMerchant` (inside the Map): `{ merchant }` in,
 * `{ merchant, settlements }` out. Idempotent, so Step Functions' retries settle nothing twice.
 *
 * @example
 * const { settlements } = await settleMerchant({ merchant: 'mer_…' });
 */
export async function settleMerchant(input: unknown): Promise<{ merchant: string; settlements: string[] }> {
  return awsPlatform().settlement.SettleMerchant(input);
}
