import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { resourcesOf, synthesizeStage } from '../infra/test/synth.ts';
import { checkoutDefinition } from '../server/src/commerce/index.ts';
import { compensationQueue, sagaStates } from '../server/src/commerce/saga.ts';

type AslValidator = (definition: unknown) => { isValid: boolean; errorsText: (separator?: string) => string };
const validateAsl = createRequire(import.meta.url)('asl-validator') as AslValidator;

const asl = readFileSync(checkoutDefinition, 'utf8');
// One synthesis (no bundling) of the dev stage with the app's modules, as `cdk synth` builds it.
const { template } = synthesizeStage('dev');

describe('the checkout saga on AWS, derived from the commerce module', () => {
  it('is valid ASL whose every Task retries and catches, compensation included', () => {
    const result = validateAsl(JSON.parse(asl));
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
    const states = JSON.parse(asl).States as Record<
      string,
      { Type: string; Retry?: unknown[]; Catch?: unknown[] }
    >;
    const tasks = Object.entries(states).filter(([, state]) => state.Type === 'Task');
    expect(tasks.map(([name]) => name).sort()).toEqual([...sagaStates].sort());
    for (const [name, state] of tasks) {
      expect(state.Retry?.length, `${name} Retry`).toBeGreaterThan(0);
      // The dead-letter step is the last resort: it retries, and its failure fails the execution.
      if (name !== 'DeadLetter') expect(state.Catch?.length, `${name} Catch`).toBeGreaterThan(0);
    }
  });

  it('deploys the same file as a state machine, each Task state on its own function', () => {
    const machines = resourcesOf(template, 'AWS::StepFunctions::StateMachine').filter(([id]) =>
      id.startsWith('Checkout'),
    );
    expect(machines).toHaveLength(1);
    const properties = machines[0]![1].Properties!;
    expect(properties.DefinitionString).toBe(asl);
    const substitutions = properties.DefinitionSubstitutions as Record<string, unknown>;
    expect(Object.keys(substitutions).sort()).toEqual(
      sagaStates.map((state) => `${state}FunctionArn`).sort(),
    );
    const functions = resourcesOf(template, 'AWS::Lambda::Function').map(([, resource]) =>
      String(resource.Properties?.FunctionName ?? ''),
    );
    for (const state of [
      'reserve',
      'authorize',
      'create-order',
      'capture',
      'notify',
      'refund',
      'release',
      'mark-failed',
      'dead-letter',
    ])
      expect(
        functions.filter((name) => name.endsWith(`-checkout-${state}`)),
        state,
      ).toHaveLength(1);
  });

  it('gives the compensation queue a DLQ with an alarm, and the resume job a schedule', () => {
    const queues = resourcesOf(template, 'AWS::SQS::Queue');
    const stem = compensationQueue.replaceAll('-', '');
    const main = queues.filter(([id]) => new RegExp(`^Queues${stem}[0-9A-F]{8}$`).test(id));
    const dlq = queues.filter(([id]) => new RegExp(`^Queues${stem}dlq[0-9A-F]{8}$`).test(id));
    expect(main).toHaveLength(1);
    expect(dlq).toHaveLength(1);
    expect(main[0]![1].Properties!.RedrivePolicy).toMatchObject({ maxReceiveCount: 5 });
    const alarms = resourcesOf(template, 'AWS::CloudWatch::Alarm').filter(([, alarm]) =>
      JSON.stringify(alarm.Properties?.Dimensions ?? []).includes(dlq[0]![0]),
    );
    expect(alarms.map(([, alarm]) => alarm.Properties!.MetricName)).toEqual([
      'ApproximateNumberOfMessagesVisible',
    ]);
    const schedules = resourcesOf(template, 'AWS::Scheduler::Schedule').filter(([, resource]) =>
      String(resource.Properties?.Name ?? '').endsWith('-job-commerce-resume-checkouts'),
    );
    expect(schedules).toHaveLength(1);
  });

  it('gives the functions the blobs bucket and sender, and the rights to sign URLs and send mail', () => {
    const buckets = resourcesOf(template, 'AWS::S3::Bucket').filter(([id]) => id.startsWith('Blobs'));
    expect(buckets).toHaveLength(1);
    const bucketId = buckets[0]![0];
    expect(buckets[0]![1].Properties!.PublicAccessBlockConfiguration).toMatchObject({
      BlockPublicAcls: true,
      RestrictPublicBuckets: true,
    });
    const http = resourcesOf(template, 'AWS::Lambda::Function').find(([, resource]) =>
      String(resource.Properties?.FunctionName ?? '').endsWith('-http-api'),
    )!;
    const variables = (http[1].Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables.SLUICE_BLOBS_BUCKET).toEqual({ Ref: bucketId });
    expect(variables).toHaveProperty('SLUICE_EMAIL_FROM');
    const policies = JSON.stringify(resourcesOf(template, 'AWS::IAM::Policy'));
    expect(policies).toContain('"s3:GetObject","s3:PutObject"');
    expect(policies).toContain('ses:SendEmail');
  });
});
