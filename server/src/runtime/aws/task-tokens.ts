import { SendTaskFailureCommand, SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { TaskTokens } from '../../platform/module.ts';

/**
 * What Step Functions answers when the token's task no longer waits: answered already, timed out,
 * or its execution ended (the token is then no longer valid either).
 */
const taskGone = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/**
 * The TaskTokens port on Step Functions: SendTaskSuccess and SendTaskFailure. An answer to a task
 * that no longer waits resolves false rather than failing, so answers may be repeated (a
 * redelivered event, a retried function).
 *
 * @example
 * const tokens = new StepFunctionsTaskTokens(new SFNClient({}));
 * await tokens.fail(token, 'ApprovalRejected', 'rejected by bea@example.com');
 */
export class StepFunctionsTaskTokens implements TaskTokens {
  readonly #client: SFNClient;

  constructor(client: SFNClient) {
    this.#client = client;
  }

  succeed(token: string, output: Readonly<Record<string, unknown>>): Promise<boolean> {
    return this.#answer(() =>
      this.#client.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) })),
    );
  }

  fail(token: string, error: string, cause: string): Promise<boolean> {
    // Step Functions takes at most 256 characters of error and 32,768 of cause.
    return this.#answer(() =>
      this.#client.send(
        new SendTaskFailureCommand({
          taskToken: token,
          error: error.slice(0, 256),
          cause: cause.slice(0, 32_768),
        }),
      ),
    );
  }

  async #answer(send: () => Promise<unknown>): Promise<boolean> {
    try {
      await send();
      return true;
    } catch (error) {
      if (taskGone.has((error as Error | undefined)?.name ?? '')) return false;
      throw error;
    }
  }
}
