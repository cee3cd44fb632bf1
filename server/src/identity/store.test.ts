import { describe, expect, it } from 'vitest';
import { keyMatchesPattern, keyPatternsOverlap } from '../platform/keys.ts';
import type { WriteOperation } from '../platform/store.ts';
import type { User } from './model.ts';
import {
  emailPointerPut,
  identityKeyPatterns,
  rateLimitCount,
  rateLimitCounterKey,
  refreshTokenPut,
  refreshTokenSpend,
  sessionPut,
  sessionRevocation,
  userFromItem,
  userPut,
} from './store.ts';

const user: User = {
  id: 'usr_a',
  email: 'ann@example.com',
  name: 'Ann',
  groups: [],
  created_at: '2026-01-01T00:00:00.000Z',
  email_verified: false,
  mfa_enabled: false,
};
const itemOf = (operation: WriteOperation) =>
  operation.type === 'put' ? operation.item : { pk: '', sk: '' };

describe('identity store', () => {
  it('claims key patterns that never overlap one another', () => {
    for (const [i, a] of identityKeyPatterns.entries())
      for (const b of identityKeyPatterns.slice(i + 1))
        expect(keyPatternsOverlap(a, b), `${a} ~ ${b}`).toBe(false);
  });

  it('writes only partitions its patterns claim, each claimed once', () => {
    const token = {
      hash: 'h',
      session_id: 'ses_a',
      user_id: user.id,
      created_at: user.created_at,
      expires_at: 1,
    };
    const operations = [
      userPut(user),
      emailPointerPut(user),
      sessionPut({ id: 'ses_a', user_id: user.id, created_at: user.created_at, expires_at: 1 }),
      refreshTokenPut(token),
      refreshTokenSpend('h', user.created_at),
      sessionRevocation('ses_a', user.created_at),
      rateLimitCount(rateLimitCounterKey('login:x', 0), 5, 1),
    ];
    const keys = operations
      .flatMap((o) => (o.type === 'put' ? [o.item.pk, o.item.gsi1pk] : [o.key.pk]))
      .filter((key) => typeof key === 'string');
    for (const key of keys)
      expect(
        identityKeyPatterns.filter((pattern) => keyMatchesPattern(key, pattern)),
        key,
      ).toHaveLength(1);
  });

  it('reads back the user it writes, never the password hash', () => {
    expect(userFromItem(itemOf(userPut(user, { password_hash: 'scrypt$secret' })))).toEqual(user);
  });

  it('refuses a malformed profile with an error naming the field', () => {
    expect(() => userFromItem({ ...itemOf(userPut(user)), groups: 'admin' })).toThrow(/groups/);
  });
});
