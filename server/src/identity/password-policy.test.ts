import { describe, expect, it } from 'vitest';
import type { AppError } from '../kernel/errors.ts';
import { checkPasswordPolicy } from './password-policy.ts';

function refusal(password: string, email = 'ann.lee@example.com'): AppError | undefined {
  try {
    checkPasswordPolicy(password, { email, param: 'password' });
    return undefined;
  } catch (error) {
    return error as AppError;
  }
}

describe('password policy', () => {
  it('accepts a long passphrase with no digits, capitals or symbols (no composition rules)', () => {
    expect(refusal('correct horse battery')).toBeUndefined();
    expect(refusal('ünïcödé pässwörd')).toBeUndefined();
  });

  it('refuses passwords on the common-passwords list, in any case, naming the field', () => {
    for (const password of ['password', 'Password1', '12345678', 'qwertyuiop', 'iloveyou']) {
      const error = refusal(password);
      expect(error?.code, password).toBe('weak_password');
      expect(error?.param).toBe('password');
      if (password !== 'password') expect(error?.message).not.toContain(password);
    }
  });

  it('refuses the email address or its local part as the password', () => {
    expect(refusal('ann.lee@example.com')?.code).toBe('weak_password');
    expect(refusal('ANN.LEE')?.code).toBe('weak_password');
  });

  it('counts characters, not bytes: 8 to 128', () => {
    expect(refusal('short')?.code).toBe('weak_password');
    expect(refusal('x'.repeat(129))?.code).toBe('weak_password');
    expect(refusal('🦀🦀🦀🦀🦀🦀🦀🦀')).toBeUndefined();
  });
});
