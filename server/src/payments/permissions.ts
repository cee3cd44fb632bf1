import type { MerchantRole } from '../kernel/principal.ts';

/**
 * What a merchant request needs of the caller's role:
 * - `read`: any member (GET, HEAD);
 * - `write`: changes through the API (developer and above);
 * - `manage`: money out and the team's rules: refunds, payouts, approval policies, the team itself
 *   (admin and owner);
 * - `approve`: approving or rejecting an approval request (the `approver` role only: the people
 *   who ask are never the ones who check).
 */
export type Permission = 'read' | 'write' | 'manage' | 'approve';

/** Each role's permissions. An API key acts as `owner` (see `requireMerchant`). */
export const rolePermissions: Readonly<Record<MerchantRole, readonly Permission[]>> = {
  owner: ['read', 'write', 'manage'],
  admin: ['read', 'write', 'manage'],
  developer: ['read', 'write'],
  approver: ['read', 'approve'],
  viewer: ['read'],
};

/**
 * The permission table, by path segment rather than by route, so routes other modules add later
 * are covered without an entry here: any write is `write` unless a rule below says more.
 */
const rules: ReadonlyArray<{ test: (segments: string[], method: string) => boolean; needs: Permission }> = [
  // POST /v1/approvals/{id}/approve | /reject
  {
    test: (s, m) => m === 'POST' && s[1] === 'approvals' && (s[3] === 'approve' || s[3] === 'reject'),
    needs: 'approve',
  },
  // PUT /v1/approval-policies, and the team (/v1/merchants/{id}/members…)
  { test: (s) => s[1] === 'approval-policies' || s[3] === 'members', needs: 'manage' },
  // Money out: /v1/refunds, /v1/payment-intents/{id}/refunds, /v1/payouts, /v1/vendors/{id}/payouts…
  { test: (s) => s.some((segment) => segment === 'refunds' || segment === 'payouts'), needs: 'manage' },
];

/**
 * What `method path` needs: reads need `read`; writes the first matching rule's permission, else
 * `write`.
 *
 * @example permissionFor('POST', '/v1/refunds') // 'manage'
 */
export function permissionFor(method: string, path: string): Permission {
  const upper = method.toUpperCase();
  if (upper === 'GET' || upper === 'HEAD' || upper === 'OPTIONS') return 'read';
  const segments = path.split('/').filter((segment) => segment !== '');
  return rules.find((rule) => rule.test(segments, upper))?.needs ?? 'write';
}

export function roleAllows(role: MerchantRole, permission: Permission): boolean {
  return rolePermissions[role].includes(permission);
}
