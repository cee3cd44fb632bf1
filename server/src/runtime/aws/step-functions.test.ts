import {
  ExecutionAlreadyExists,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { executionArnOf, StepFunctionsWorkflows } from './step-functions.ts';

// Step Functions is a mocked cloud edge (aws-sdk-client-mock): the state machine itself is
// exercised locally by aws-local-stepfunctions on the same ASL file.
const sfn = mockClient(SFNClient);
afterAll(() => sfn.restore());
beforeEach(() => sfn.reset());

const stateMachineArn = 'arn:aws:states:us-east-1:123456789012:stateMachine:sluice-settlement';
const workflows = () =>
  new StepFunctionsWorkflows({
    client: new SFNClient({ region: 'us-east-1' }),
    settlementStateMachineArn: stateMachineArn,
  });
const startInputs = () => sfn.commandCalls(StartExecutionCommand).map((call) => call.args[0].input);

describe('StepFunctionsWorkflows (Step Functions mocked)', () => {
  it('starts a settlement run with the input and name given', async () => {
    sfn.on(StartExecutionCommand).resolves({
      executionArn: `${executionArnOf(stateMachineArn, 'settlement-2026-01-01')}`,
      startDate: new Date(),
    });
    const result = await workflows().startSettlement({ merchant: 'mer_1' }, 'settlement-2026-01-01');
    expect(result).toEqual({
      executionArn: 'arn:aws:states:us-east-1:123456789012:execution:sluice-settlement:settlement-2026-01-01',
      alreadyStarted: false,
    });
    expect(startInputs()).toEqual([
      { stateMachineArn, input: '{"merchant":"mer_1"}', name: 'settlement-2026-01-01' },
    ]);
  });

  it('starts an unnamed run for every merchant', async () => {
    sfn.on(StartExecutionCommand).resolves({
      executionArn: 'arn:aws:states:us-east-1:123456789012:execution:sluice-settlement:abc',
      startDate: new Date(),
    });
    await workflows().startSettlement({});
    expect(startInputs()).toEqual([{ stateMachineArn, input: '{}', name: undefined }]);
  });

  it('treats a run name that already exists as started, with that run’s ARN', async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));
    const result = await workflows().startSettlement({}, 'settlement-2026-01-01');
    expect(result).toEqual({
      executionArn: 'arn:aws:states:us-east-1:123456789012:execution:sluice-settlement:settlement-2026-01-01',
      alreadyStarted: true,
    });
  });

  it('passes other failures on', async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(new StateMachineDoesNotExist({ message: 'no such machine', $metadata: {} }));
    await expect(workflows().startSettlement({}, 'run-1')).rejects.toThrow(/no such machine/);
  });

  it('refuses a run name Step Functions would refuse, without calling it', async () => {
    await expect(workflows().startSettlement({}, 'settlement 2026/01/01')).rejects.toThrow(
      /invalid execution name/,
    );
    await expect(workflows().startSettlement({}, 'x'.repeat(81))).rejects.toThrow(/invalid execution name/);
    expect(startInputs()).toEqual([]);
  });
});

describe('executionArnOf', () => {
  it('refuses something that is not a state machine ARN', () => {
    expect(() => executionArnOf('arn:aws:lambda:us-east-1:123456789012:function:f', 'x')).toThrow(
      /not a state machine ARN/,
    );
  });
});
