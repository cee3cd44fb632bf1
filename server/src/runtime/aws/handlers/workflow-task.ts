import { awsPlatform, buildDuringInit } from '../platform.ts';

buildDuringInit(awsPlatform);

/**
 * One Task state of a module's state machine (`SLUICE_WORKFLOW_TASK`, `<workflow>/<state>`):
 * Step Functions invokes it with the state's input and takes its result, as the local ASL runner
 * calls the same handler. Task handlers are idempotent, so Step Functions' retries change nothing
 * twice.
 *
 * @example
 * // SLUICE_WORKFLOW_TASK=settlement/ListMerchantsDue
 * const { merchants } = await handler({});
 */
export async function handler(input: unknown): Promise<unknown> {
  const platform = awsPlatform();
  const [workflow, state] = platform.workflowTask?.split('/') ?? [];
  if (!workflow || !state) throw new Error('SLUICE_WORKFLOW_TASK is not set to <workflow>/<state>');
  return platform.runTask(workflow, state, input);
}
