import { isTransactionCanceled, type Store } from '../platform/store.ts';
import { faultTake, readFault } from './store.ts';

/** A fault the sandbox injects into one call: what the integrator asked for, at its rate. */
export type InjectedFault = 'timeout' | 'error' | 'decline' | undefined;

/**
 * Whether this call fails, and how: the connector's fault (`POST
 * /v1/test-helpers/connectors/{id}/faults`) at its rate; a counted fault takes one of its calls
 * atomically, so N calls fail however many run at once.
 */
export async function drawFault(
  store: Store,
  connectorId: string,
  random: () => number,
): Promise<InjectedFault> {
  const fault = await readFault(store, connectorId);
  if (!fault || random() >= fault.rate) return undefined;
  if (fault.remaining !== null) {
    try {
      await store.transact([faultTake(connectorId)]);
    } catch (error) {
      if (isTransactionCanceled(error)) return undefined;
      throw error;
    }
  }
  return fault.mode;
}
