import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { approvalDefinition } from '../../server/src/approvals/index.ts';
import { asArray, referencedId, resourcesOf, synthesizeStage } from './synth.ts';

// The approval state machine on AWS, from the approvals module's definition (a workflow that
// runs on AWS only): one synthesis of the dev stage, without bundling, as `cdk synth` builds it.

const asl = readFileSync(approvalDefinition, 'utf8');
const { stack, template } = synthesizeStage('dev');
const prefix = stack.stage.prefix;
const json = template.toJSON() as {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
};

/** The logical id of the function named `<prefix>-<id>`. */
function functionId(id: string): string {
  const found = resourcesOf(template, 'AWS::Lambda::Function').filter(
    ([, resource]) => resource.Properties?.FunctionName === `${prefix}-${id}`,
  );
  expect(found, id).toHaveLength(1);
  return found[0]![0];
}

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

/** The statements of every policy attached to the role `roleId`. */
function statementsOf(roleId: string): Statement[] {
  return Object.values(json.Resources)
    .filter(
      (resource) =>
        resource.Type === 'AWS::IAM::Policy' &&
        asArray(resource.Properties!.Roles as unknown[])
          .map((role) => referencedId(role as never))
          .includes(roleId),
    )
    .flatMap((resource) => (resource.Properties!.PolicyDocument as { Statement: Statement[] }).Statement);
}

/** The statements of a function's role. */
function grantsOf(id: string): Statement[] {
  const fn = json.Resources[functionId(id)]!;
  return statementsOf(referencedId(fn.Properties!.Role as never)!);
}

/** The resources (as JSON text) a role's statements grant `action` on. */
function resourcesFor(statements: Statement[], action: string): string[] {
  return statements
    .filter((statement) => statement.Effect === 'Allow' && asArray(statement.Action).includes(action))
    .flatMap((statement) =>
      asArray(statement.Resource as unknown[]).map((resource) => JSON.stringify(resource)),
    );
}

const approvalArn = `:stateMachine:${prefix}-approval"`;

describe('the approval state machine on AWS, from the approvals module', () => {
  const machines = resourcesOf(template, 'AWS::StepFunctions::StateMachine').filter(
    ([, resource]) => resource.Properties?.StateMachineName === `${prefix}-approval`,
  );

  it('is the module ASL file, with its two task functions substituted in', () => {
    expect(machines).toHaveLength(1);
    const properties = machines[0]![1].Properties!;
    expect(properties.DefinitionString).toBe(asl);
    expect(properties.StateMachineType).toBe('STANDARD');
    const substitutions = properties.DefinitionSubstitutions as Record<string, unknown>;
    expect(Object.keys(substitutions).sort()).toEqual(['ExpireFunctionArn', 'RecordTaskTokenFunctionArn']);
    expect(substitutions.RecordTaskTokenFunctionArn).toEqual({
      'Fn::GetAtt': [functionId('approval-record-task-token'), 'Arn'],
    });
    expect(substitutions.ExpireFunctionArn).toEqual({ 'Fn::GetAtt': [functionId('approval-expire'), 'Arn'] });
    // Every ${…} of the file is one of them.
    const placeholders = [...asl.matchAll(/\$\{(\w+)\}/g)].map((match) => match[1]);
    expect(new Set(placeholders)).toEqual(new Set(Object.keys(substitutions)));
  });

  it('may invoke its two task functions and nothing else', () => {
    const role = referencedId(machines[0]![1].Properties!.RoleArn as never)!;
    const invoked = resourcesFor(statementsOf(role), 'lambda:InvokeFunction');
    expect(invoked.sort()).toEqual(
      [functionId('approval-expire'), functionId('approval-record-task-token')]
        .map((id) => JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] }))
        .sort(),
    );
  });

  it('runs each task function as that Task state', () => {
    for (const [id, state] of [
      ['approval-record-task-token', 'RecordTaskToken'],
      ['approval-expire', 'Expire'],
    ] as const) {
      const variables = (
        json.Resources[functionId(id)]!.Properties!.Environment as { Variables: Record<string, unknown> }
      ).Variables;
      expect(variables.SLUICE_WORKFLOW_TASK).toBe(`approval/${state}`);
    }
  });

  it('lets exactly the subscription that drives it and the token task answer its tokens', () => {
    const answer = ['states:SendTaskSuccess', 'states:SendTaskFailure'];
    const driver = grantsOf('events-approvals-state-machine');
    for (const action of [...answer, 'states:StartExecution'])
      expect(resourcesFor(driver, action), action).toEqual([expect.stringContaining(approvalArn)]);
    const recorder = grantsOf('approval-record-task-token');
    for (const action of answer)
      expect(resourcesFor(recorder, action), action).toEqual([expect.stringContaining(approvalArn)]);
    expect(resourcesFor(recorder, 'states:StartExecution')).toEqual([]);
    // The Expire task and the HTTP function answer no token: the API's steps end the request, the
    // subscription answers from the events those steps write.
    for (const id of ['approval-expire', 'http-api'])
      for (const action of answer) expect(resourcesFor(grantsOf(id), action), `${id} ${action}`).toEqual([]);
  });

  it('routes every event that starts or ends a request to the subscription that drives it', () => {
    const rules = resourcesOf(template, 'AWS::Events::Rule').filter(
      ([, resource]) => resource.Properties?.Name === `${prefix}-events-approvals-state-machine`,
    );
    expect(rules).toHaveLength(1);
    const pattern = rules[0]![1].Properties!.EventPattern as Record<string, unknown>;
    expect(JSON.stringify(pattern)).toContain('approval.requested');
    for (const ending of ['executed', 'failed', 'rejected', 'expired'])
      expect(JSON.stringify(pattern)).toContain(`approval.${ending}`);
    expect(JSON.stringify(pattern)).not.toContain('approval.approved');
  });
});
