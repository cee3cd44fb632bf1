import { describe, expect, it } from 'vitest';
import { currentScryptParams, hashPassword, needsRehash, verifyPassword } from './password.ts';

describe('password hashing', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same password')).not.toBe(await hashPassword('same password'));
  });

  it('stores its parameters with the hash and flags weaker ones for rehashing', async () => {
    const weak = await hashPassword('pw', { logN: 10, r: 8, p: 1 });
    expect(weak).toMatch(/^scrypt\$ln=10,r=8,p=1\$/);
    expect(await verifyPassword('pw', weak)).toBe(true);
    expect(needsRehash(weak)).toBe(true);
    expect(needsRehash(await hashPassword('pw'))).toBe(false);
  });

  it('matches a password typed with composed or decomposed accents', async () => {
    const stored = await hashPassword('caf\u00e9 au lait');
    expect(await verifyPassword('cafe\u0301 au lait', stored)).toBe(true);
  });

  it.each(['', 'plain', 'scrypt$ln=40,r=8,p=1$c2FsdA$aGFzaA', 'bcrypt$2b$10$abc'])(
    'never matches the malformed hash %j',
    async (stored) => {
      expect(await verifyPassword('plain', stored)).toBe(false);
      expect(needsRehash(stored)).toBe(true);
    },
  );

  it('takes tens of milliseconds per hash with the current parameters', async () => {
    await hashPassword('warm up');
    const started = performance.now();
    await hashPassword('correct horse battery');
    const elapsed = performance.now() - started;
    expect(currentScryptParams).toEqual({ logN: 14, r: 8, p: 1 });
    // Loose bounds: slow enough to hurt guessing, fast enough for a login (CI machines vary).
    expect(elapsed).toBeGreaterThan(5);
    expect(elapsed).toBeLessThan(1000);
  });
});
