import { Stack, type CfnElement } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { modules } from '../../server/src/app/modules.ts';
import { workflowsOf } from '../../server/src/app/registry.ts';
import { defineModule, type SluiceModule } from '../../server/src/platform/module.ts';
import { lambdaFunctionsOf } from '../../server/src/runtime/aws/functions.ts';
import { stageNames } from '../lib/stage.ts';
import { nestedStacksOf, resourcesOf, synthesizeStage, type StackTemplate } from './synth.ts';

/**
 * CloudFormation refuses a template of more than 500 resources, 1 MB, or 200 parameters or
 * outputs. Every stack of the app (the main stack and each module's nested stack) stays well
 * below, so a growing module list never meets the limits at deploy time.
 */
const limits = { resources: 400, templateBytes: 1_000_000, parameters: 200, outputs: 200 };

const sizeOf = ({ template }: StackTemplate) => {
  const json = template.toJSON() as Record<string, Record<string, unknown> | undefined>;
  return {
    resources: Object.keys(json.Resources ?? {}).length,
    templateBytes: Buffer.byteLength(JSON.stringify(json)),
    parameters: Object.keys(json.Parameters ?? {}).length,
    outputs: Object.keys(json.Outputs ?? {}).length,
  };
};

/** The functions a module's definition produces (what an app with it has beyond the platform's). */
function functionIdsOf(module: SluiceModule): string[] {
  const platform = new Set(lambdaFunctionsOf([]).map((spec) => spec.id));
  return lambdaFunctionsOf([module])
    .map((spec) => spec.id)
    .filter((id) => !platform.has(id));
}

/** The names of the Sluice functions (stage-prefixed, not CDK's providers) a template holds. */
function functionNames({ template }: StackTemplate, prefix: string): string[] {
  return resourcesOf(template, 'AWS::Lambda::Function')
    .map(([, fn]) => String(fn.Properties?.FunctionName))
    .filter((name) => name.startsWith(`${prefix}-`))
    .sort();
}

describe.each(stageNames)('%s', (stage) => {
  const { stack, stacks } = synthesizeStage(stage);
  const prefix = stack.stage.prefix;

  it.each(stacks.map((each) => [each.stack.node.path, each] as const))(
    '%s stays within 400 resources, 1 MB and 200 parameters and outputs',
    (_path, each) => {
      const size = sizeOf(each);
      expect(size.resources).toBeGreaterThan(0);
      expect(size.resources).toBeLessThanOrEqual(limits.resources);
      expect(size.templateBytes).toBeLessThan(limits.templateBytes);
      expect(size.parameters).toBeLessThanOrEqual(limits.parameters);
      expect(size.outputs).toBeLessThanOrEqual(limits.outputs);
    },
  );

  it('gives each module that produces functions a nested stack holding exactly them; the platform’s stay in the main stack', () => {
    const [main, ...nested] = stacks;
    expect(main!.stack).toBe(stack);
    const producing = modules.filter((module) => functionIdsOf(module).length > 0);
    expect(producing.length).toBeGreaterThan(1);
    expect(nested.map((each) => each.stack.node.id).sort()).toEqual(
      [...stack.moduleStacks.keys()].map((name) => stack.moduleStacks.get(name)!.node.id).sort(),
    );
    expect([...stack.moduleStacks.keys()].sort()).toEqual(producing.map((module) => module.name).sort());
    for (const module of producing) {
      const moduleStack = stack.moduleStacks.get(module.name)!;
      const own = stacks.find((each) => each.stack === moduleStack)!;
      expect(functionNames(own, prefix), module.name).toEqual(
        functionIdsOf(module)
          .map((id) => `${prefix}-${id}`)
          .sort(),
      );
    }
    expect(functionNames(main!, prefix)).toEqual(
      lambdaFunctionsOf([])
        .map((spec) => `${prefix}-${spec.id}`)
        .sort(),
    );
  });

  it("puts each workflow's state machine in its module's stack", () => {
    const workflows = workflowsOf(modules);
    expect(workflows.length).toBeGreaterThan(0);
    for (const workflow of workflows) {
      const own = stacks.find((each) => each.stack === stack.moduleStacks.get(workflow.module))!;
      const names = resourcesOf(own.template, 'AWS::StepFunctions::StateMachine').map(
        ([, machine]) => machine.Properties?.StateMachineName,
      );
      expect(names, workflow.name).toContain(`${prefix}-${workflow.name}`);
    }
    expect(resourcesOf(stacks[0]!.template, 'AWS::StepFunctions::StateMachine')).toEqual([]);
  });

  it('takes nothing from a module stack into the main stack, nor from one module stack into another', () => {
    // The main stack reads no nested stack output, so no module stack can be part of a cycle
    // with it; each module stack takes its parameters from the main stack only.
    const [main, ...nested] = stacks;
    const stackResources = resourcesOf(main!.template, 'AWS::CloudFormation::Stack');
    expect(stackResources).toHaveLength(nested.length);
    expect(JSON.stringify(main!.template.toJSON())).not.toContain('Outputs.');
    for (const each of nested) {
      expect(Object.keys((each.template.toJSON() as { Outputs?: object }).Outputs ?? {})).toEqual([]);
      const resourceId = stack.getLogicalId(
        (each.stack as unknown as { nestedStackResource: CfnElement }).nestedStackResource,
      );
      const [, resource] = stackResources.find(([id]) => id === resourceId)!;
      const passed = JSON.stringify(resource.Properties?.Parameters ?? {});
      for (const other of stackResources) expect(passed).not.toContain(other[0]);
      expect(nestedStacksOf(each.stack)).toEqual([]);
      expect(Stack.of(each.stack.node.scope!)).toBe(stack);
    }
  });
});

describe('a longer module list', () => {
  /** A module with a subscription, a Queue-port consumer and a job: three functions, no routes. */
  const extra = (index: number) =>
    defineModule({
      name: `extra${index}`,
      subscriptions: [
        {
          name: `extra${index}.heard`,
          pattern: { type: ['user.signed_up'] },
          handler: () => async () => undefined,
        },
      ],
      consumers: [
        {
          queue: `extra${index}-work`,
          handler: () => async () => ({ failures: [] }),
          options: { maxReceives: 5, visibilityTimeoutSeconds: 60 },
          aws: { visibilityTimeoutSeconds: 360, maxReceiveCount: 5, batchSize: 10 },
        },
      ],
      jobs: [{ name: `extra${index}.tick`, cron: '0 9 * * *', description: 'Ticks', run: async () => 'ok' }],
    }) as SluiceModule;
  const base = synthesizeStage('dev');
  const longer = synthesizeStage('dev', [...modules, extra(1), extra(2), extra(3)]);

  it('leaves the main stack as large as it was: each new module is a nested stack of its own', () => {
    const count = (each: StackTemplate) => sizeOf(each).resources;
    // Three more nested stack resources, nothing else.
    expect(count(longer.stacks[0]!)).toBe(count(base.stacks[0]!) + 3);
    expect(longer.stacks).toHaveLength(base.stacks.length + 3);
    for (const index of [1, 2, 3]) {
      const own = longer.stacks.find(
        (each) => each.stack === longer.stack.moduleStacks.get(`extra${index}`),
      )!;
      expect(functionNames(own, 'sluice-dev')).toEqual(
        [`events-extra${index}-heard`, `extra${index}-work`, `job-extra${index}-tick`].map(
          (id) => `sluice-dev-${id}`,
        ),
      );
      expect(count(own)).toBeLessThanOrEqual(limits.resources);
    }
  });
});
