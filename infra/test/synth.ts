import { Template } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { buildSluiceApp } from '../lib/app.ts';
import type { SluiceStack } from '../lib/sluice-stack.ts';
import type { StageName } from '../lib/stage.ts';
import type { SluiceModule } from '../../server/src/platform/module.ts';

/** The context `cdk synth` reads from cdk.json, so tests see the same feature flags. */
export const cdkJsonContext = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'))
  .context as Record<string, unknown>;

/** A stage's stack and template, synthesized once per stage and without bundling (fast). */
export function synthesizeStage(
  stage: StageName,
  modules?: readonly SluiceModule[],
): { stack: SluiceStack; template: Template } {
  const { stack } = buildSluiceApp(
    { context: { ...cdkJsonContext, stage, 'aws:cdk:bundling-stacks': [] } },
    modules,
  );
  return { stack, template: Template.fromStack(stack) };
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
