import { readFileSync } from 'node:fs';
import { StateMachine } from 'aws-local-stepfunctions';
import { settlementTasks, type PaymentsDeps } from '../../payments/index.ts';

/** The settlement state machine, the same file Step Functions runs on AWS. */
export const settlementDefinitionUrl = new URL('../../workflows/settlement.asl.json', import.meta.url);

export interface SettlementRun {
  settled: Array<{ merchant: string; settlements: string[] }>;
}

/**
 * Runs `workflows/settlement.asl.json` in process with aws-local-stepfunctions, its Task states
 * mapped to the payments module's settlement handlers (on AWS, Lambdas wrap the same handlers).
 * Retries wait 10 ms here instead of the file's seconds, so a flaky store is retried promptly.
 *
 * @example await runSettlementWorkflow({ store, clock }, { merchant: 'mer_…' })
 */
export async function runSettlementWorkflow(deps: PaymentsDeps, input: { merchant?: string } = {}): Promise<SettlementRun> {
  const machine = new StateMachine(JSON.parse(readFileSync(settlementDefinitionUrl, 'utf8')));
  const tasks = settlementTasks(deps);
  const execution = machine.run(input, {
    overrides: {
      taskResourceLocalHandlers: { ListMerchantsDue: tasks.ListMerchantsDue, SettleMerchant: tasks.SettleMerchant },
      retryIntervalOverrides: { ListMerchantsDue: 10, SettleMerchant: 10 },
    },
  });
  return (await execution.result) as unknown as SettlementRun;
}
