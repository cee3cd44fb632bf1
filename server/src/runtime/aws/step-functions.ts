import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';

export interface StepFunctionsWorkflowsOptions {
  client: SFNClient;
  /** `SLUICE_SETTLEMENT_STATE_MACHINE_ARN`: the state machine built from `workflows/settlement.asl.json`. */
  settlementStateMachineArn: string;
}

/** Step Functions execution names: 1 to 80 letters, digits, `-` or `_`. */
const executionNamePattern = /^[A-Za-z0-9_-]{1,80}$/;

/**
 * Starts the ASL state machines on Step Functions (locally, aws-local-stepfunctions runs the same
 * files in process).
 *
 * A `runName` makes a start idempotent: Step Functions keeps execution names unique per state
 * machine for 90 days, so a scheduler that fires twice for one day (`settlement-2026-01-01`)
 * starts one run. A repeated start of a still-running execution with the same input is answered
 * by Step Functions itself with that execution (reported as `alreadyStarted: false`, since the
 * answer does not say); any other repeat is its `ExecutionAlreadyExists`, reported as
 * `alreadyStarted: true`.
 *
 * @example
 * const workflows = new StepFunctionsWorkflows({ client: new SFNClient({}), settlementStateMachineArn });
 * const { executionArn, alreadyStarted } = await workflows.startSettlement({}, `settlement-${day}`);
 */
export class StepFunctionsWorkflows {
  readonly #client: SFNClient;
  readonly #settlementStateMachineArn: string;

  constructor(options: StepFunctionsWorkflowsOptions) {
    this.#client = options.client;
    this.#settlementStateMachineArn = options.settlementStateMachineArn;
  }

  async startSettlement(
    input: { merchant?: string },
    runName?: string,
  ): Promise<{ executionArn: string; alreadyStarted: boolean }> {
    return this.#start(
      this.#settlementStateMachineArn,
      input.merchant === undefined ? {} : { merchant: input.merchant },
      runName,
    );
  }

  async #start(
    stateMachineArn: string,
    input: unknown,
    runName: string | undefined,
  ): Promise<{ executionArn: string; alreadyStarted: boolean }> {
    if (runName !== undefined && !executionNamePattern.test(runName)) {
      throw new Error(`invalid execution name "${runName}": 1 to 80 letters, digits, - or _`);
    }
    try {
      const output = await this.#client.send(
        new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input), name: runName }),
      );
      if (!output.executionArn) throw new Error('StartExecution returned no execution ARN');
      return { executionArn: output.executionArn, alreadyStarted: false };
    } catch (error) {
      if (runName !== undefined && (error as Error | undefined)?.name === 'ExecutionAlreadyExists') {
        return { executionArn: executionArnOf(stateMachineArn, runName), alreadyStarted: true };
      }
      throw error;
    }
  }
}

/**
 * The ARN of the execution `name` of a standard state machine:
 * `arn:aws:states:<region>:<account>:stateMachine:<machine>` → `…:execution:<machine>:<name>`.
 *
 * @example
 * executionArnOf('arn:aws:states:us-east-1:123456789012:stateMachine:settlement', 'run-1');
 * // 'arn:aws:states:us-east-1:123456789012:execution:settlement:run-1'
 */
export function executionArnOf(stateMachineArn: string, name: string): string {
  const parts = stateMachineArn.split(':');
  if (parts.length !== 7 || parts[5] !== 'stateMachine')
    throw new Error(`not a state machine ARN: ${stateMachineArn}`);
  parts[5] = 'execution';
  return `${parts.join(':')}:${name}`;
}
