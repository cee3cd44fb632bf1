import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { approvalDefinition, approvalsModule } from './index.ts';

type AslValidator = (definition: unknown) => { isValid: boolean; errorsText: (separator?: string) => string };
const validateAsl = createRequire(import.meta.url)('asl-validator') as AslValidator;

interface State {
  Type: string;
  Resource?: string;
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  Retry?: unknown[];
  Catch?: Array<{ ErrorEquals: string[]; Next: string }>;
  Next?: string;
}
const definition = JSON.parse(readFileSync(approvalDefinition, 'utf8')) as {
  StartAt: string;
  States: Record<string, State>;
};

describe('the approval state machine (AWS)', () => {
  it('is valid Amazon States Language', () => {
    const result = validateAsl(definition);
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('waits on a task token bounded by the request time, and ends on every ending of the request', () => {
    const wait = definition.States[definition.StartAt]!;
    expect(wait.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
    expect(wait.TimeoutSecondsPath).toBe('$.ttl_seconds');
    expect(wait.Catch?.map((c) => [c.ErrorEquals[0], c.Next])).toEqual([
      ['States.Timeout', 'Expire'],
      ['ApprovalRejected', 'Rejected'],
      ['ApprovalExpired', 'Expired'],
    ]);
    // A retry matching every task error would retry a rejection: only Lambda's own errors.
    for (const retry of wait.Retry as Array<{ ErrorEquals: string[] }>)
      for (const error of retry.ErrorEquals) expect(error).toMatch(/^Lambda\./);
    expect(wait.Next).toBe('Decided');
    expect(definition.States.Expire!.Next).toBe('Decided');
    const decided = definition.States.Decided as State & {
      Choices: Array<{ StringEquals: string; Next: string }>;
    };
    expect(decided.Choices.map((c) => [c.StringEquals, c.Next])).toEqual([
      ['executed', 'Executed'],
      ['failed', 'ActionRefused'],
      ['rejected', 'Rejected'],
      ['expired', 'Expired'],
    ]);
  });

  it('never runs the action: its only tasks record the token and expire', () => {
    const tasks = Object.entries(definition.States).filter(([, s]) => s.Type === 'Task');
    expect(tasks.map(([name]) => name).sort()).toEqual(['Expire', 'WaitForDecision']);
    expect(Object.keys(approvalsModule.workflows[0].taskFunctions).sort()).toEqual([
      'Expire',
      'RecordTaskToken',
    ]);
    expect(approvalsModule.workflows[0].runtimes).toEqual(['aws']);
  });

  it('gives every Task a bound and a retry', () => {
    for (const [name, state] of Object.entries(definition.States).filter(([, s]) => s.Type === 'Task')) {
      expect(state.TimeoutSeconds ?? state.TimeoutSecondsPath, name).toBeDefined();
      expect(state.Retry?.length, name).toBeGreaterThan(0);
    }
  });
});
