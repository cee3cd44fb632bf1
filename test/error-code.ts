import { AppError } from '../server/src/kernel/errors.ts';

/**
 * The `AppError` code `promise` rejects with, or undefined when it resolves; any other error is
 * thrown on, so a crash never reads as a refusal.
 *
 * @example expect(await errorCodeOf(identity.refresh(spent))).toBe('invalid_token');
 */
export async function errorCodeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
}
