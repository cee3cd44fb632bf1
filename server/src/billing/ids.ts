import { defineIds } from '../kernel/ids.ts';

/** Billing's id prefixes, as Stripe Billing spells them. */
export const billingIds = defineIds({
  plan: 'plan',
  customer: 'cus',
  paymentMethod: 'pm',
  subscription: 'sub',
  invoice: 'in',
  testClock: 'clock',
});
