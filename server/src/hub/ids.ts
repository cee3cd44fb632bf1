import { defineIds } from '../kernel/ids.ts';

/** The hub's id prefixes: connectors (a merchant's account at a provider), intents, attempts, refunds. */
export const hubIds = defineIds({
  connector: 'mca',
  intent: 'pi',
  attempt: 'pia',
  intentRefund: 'pir',
});
