import { readFileSync } from 'node:fs';
import { StateMachine } from 'aws-local-stepfunctions';
import type { TaskHandler } from '../../platform/module.ts';

/**
 * One state machine per ASL file: the constructor validates the definition (asl-validator), which
 * costs more than a whole checkout's run, so it is paid once per file, not once per execution.
 */
const machines = new Map<string, StateMachine>();

/**
 * Runs an ASL state machine in process with aws-local-stepfunctions, its Task states mapped to
 * `tasks` (on AWS, one function per Task wraps the same handlers, and Step Functions runs the same
 * file). Retries wait 10 ms here instead of the file's seconds, so a flaky store is retried
 * promptly.
 *
 * @example await runStateMachine(settlementDefinition, settlementTasks({ store, clock }), { merchant: 'mer_…' })
 */
export async function runStateMachine(
  definition: URL,
  tasks: Readonly<Record<string, TaskHandler>>,
  input: unknown = {},
): Promise<unknown> {
  let machine = machines.get(definition.href);
  if (machine === undefined) {
    const parsed = JSON.parse(readFileSync(definition, 'utf8'));
    machine = new StateMachine(parsed as ConstructorParameters<typeof StateMachine>[0]);
    machines.set(definition.href, machine);
  }
  const execution = machine.run(input as Parameters<typeof machine.run>[0], {
    overrides: {
      taskResourceLocalHandlers: { ...tasks } as never,
      retryIntervalOverrides: Object.fromEntries(Object.keys(tasks).map((state) => [state, 10])),
    },
  });
  return execution.result;
}
