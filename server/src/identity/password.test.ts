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

  it('hashes new passwords with the chosen cost parameters, N = 2^14, r = 8, p = 1', async () => {
    // The cost is fixed by these parameters, not measured: a timing bound would test the machine.
    expect(currentScryptParams).toEqual({ logN: 14, r: 8, p: 1 });
    expect(await hashPassword('correct horse battery')).toMatch(/^scrypt\$ln=14,r=8,p=1\$/);
  });
});
