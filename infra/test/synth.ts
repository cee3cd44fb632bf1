import { NestedStack, type CfnElement, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { buildSluiceApp } from '../lib/app.ts';
import type { SluiceStack } from '../lib/sluice-stack.ts';
import type { StageName } from '../lib/stage.ts';
import type { SluiceModule } from '../../server/src/platform/module.ts';

/** The context `cdk synth` reads from cdk.json, so tests see the same feature flags. */
export const cdkJsonContext = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'))
  .context as Record<string, unknown>;

/**
 * A stage's stack, synthesized once per stage and without bundling (fast): `template` is the
 * deployment as one template ({@link deploymentTemplate}: the main stack with its module stacks'
 * resources), `stacks` each stack's own template (main first), as CloudFormation receives them.
 */
export function synthesizeStage(
  stage: StageName,
  modules?: readonly SluiceModule[],
): { stack: SluiceStack; template: Template; stacks: StackTemplate[] } {
  const { stack } = buildSluiceApp(
    { context: { ...cdkJsonContext, stage, 'aws:cdk:bundling-stacks': [] } },
    modules,
  );
  return { stack, template: deploymentTemplate(stack), stacks: stackTemplates(stack) };
}

/** One synthesized stack (the main stack or a nested one) and its own template. */
export interface StackTemplate {
  stack: Stack;
  template: Template;
}

/** The stack and its nested stacks, depth first, each with its own template. */
export function stackTemplates(stack: Stack): StackTemplate[] {
  return [
    { stack, template: Template.fromStack(stack) },
    ...nestedStacksOf(stack).flatMap((nested) => stackTemplates(nested)),
  ];
}

/** The stacks nested directly in `stack`. */
export function nestedStacksOf(stack: Stack): NestedStack[] {
  return stack.node
    .findAll()
    .filter((construct): construct is NestedStack => NestedStack.isNestedStack(construct))
    .filter((nested) => nested.nestedStackParent === stack);
}

/**
 * The deployment read as one template: every nested stack's resources copied into its parent's
 * (a logical id used twice throws), each `Ref` to a nested stack's parameter replaced by the value
 * the parent passes, each `Fn::GetAtt` of a nested stack's output by the output's value, and each
 * nested resource made to depend on what its nested stack resource depends on (CloudFormation
 * creates none of them before). Assertions about the platform then hold however its resources are
 * split across stacks; a reference cycle still fails, as in `Template.fromStack`.
 */
export function deploymentTemplate(stack: Stack): Template {
  return Template.fromJSON(flatten(stack));
}

type Json = Record<string, unknown>;

function flatten(stack: Stack): Json {
  const json = structuredClone(Template.fromStack(stack).toJSON()) as Json;
  const resources = json.Resources as Record<string, Json>;
  const outputsByStackResource = new Map<string, Record<string, unknown>>();
  for (const nested of nestedStacksOf(stack)) {
    const resourceId = stack.getLogicalId(nested.nestedStackResource as CfnElement);
    const stackResource = resources[resourceId];
    if (!stackResource) throw new Error(`no resource ${resourceId} for ${nested.node.path}`);
    const passed = ((stackResource.Properties as Json | undefined)?.Parameters ?? {}) as Json;
    const inner = replace(flatten(nested), (value) => {
      const ref = (value as Json).Ref;
      return typeof ref === 'string' && ref in passed ? { found: passed[ref] } : undefined;
    });
    const dependsOn = asArray(stackResource.DependsOn as string | string[] | undefined);
    for (const [id, resource] of Object.entries(inner.Resources as Record<string, Json>)) {
      if (id in resources) throw new Error(`logical id ${id} is in ${nested.node.path} and its parent`);
      const own = asArray(resource.DependsOn as string | string[] | undefined);
      const all = [...new Set([...own, ...dependsOn])];
      resources[id] = all.length > 0 ? { ...resource, DependsOn: all } : resource;
    }
    outputsByStackResource.set(
      resourceId,
      Object.fromEntries(
        Object.entries((inner.Outputs ?? {}) as Record<string, { Value: unknown }>).map(([name, output]) => [
          name,
          output.Value,
        ]),
      ),
    );
  }
  return replace(json, (value) => {
    const getAtt = (value as Json)['Fn::GetAtt'];
    if (!Array.isArray(getAtt) || typeof getAtt[1] !== 'string' || !getAtt[1].startsWith('Outputs.'))
      return undefined;
    const outputs = outputsByStackResource.get(getAtt[0] as string);
    const name = getAtt[1].slice('Outputs.'.length);
    return outputs && name in outputs ? { found: outputs[name] } : undefined;
  }) as Json;
}

/** `value` with every object `replacement` answers for replaced, deeply. */
function replace<T>(value: T, replacement: (value: object) => { found: unknown } | undefined): T {
  if (Array.isArray(value)) return value.map((item) => replace(item, replacement)) as T;
  if (value && typeof value === 'object') {
    const replaced = replacement(value);
    if (replaced) return replaced.found as T;
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, replace(item, replacement)]),
    ) as T;
  }
  return value;
}

type CfnValue = unknown;
/** A template resource, as far as the tests read it. */
export interface CfnResource {
  Type: string;
  Properties?: Record<string, CfnValue>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

/** Resources of a type, by logical id. */
export function resourcesOf(template: Template, type: string): Array<[string, CfnResource]> {
  return Object.entries(template.findResources(type)) as Array<[string, CfnResource]>;
}

/** `{ Ref: id }` or `{ 'Fn::GetAtt': [id, …] }` → id. */
export function referencedId(value: CfnValue): string | undefined {
  if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    if (typeof object.Ref === 'string') return object.Ref;
    const getAtt = object['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  }
  return undefined;
}

/** A CloudFormation value that may be one item or a list, as a list. */
export function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
