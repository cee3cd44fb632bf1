import { describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/app-harness.ts';
import { errorTypes } from '../kernel/errors.ts';
import { keyMatchesPattern, keyPatternsOverlap } from '../platform/keys.ts';
import { defineModule, type SluiceModule } from '../platform/module.ts';
import { modules } from './modules.ts';
import { authResolver, catalogOf, checkModules, ownedPaths, secretsOf } from './registry.ts';

const extra = (module: Partial<SluiceModule>): SluiceModule => defineModule({ name: 'extra', ...module });

describe('the module registry', () => {
  it("accepts the app's modules", () => {
    expect(() => checkModules(modules)).not.toThrow();
  });

  it('refuses two modules that claim one key partition, however the ids fall', () => {
    expect(() => checkModules([...modules, extra({ keys: ['PAY#*'] })])).toThrow(
      /key pattern "PAY#\*" of extra overlaps/,
    );
    expect(() => checkModules([...modules, extra({ keys: ['OUTBOX#PENDING'] })])).toThrow(/of platform/);
    expect(() =>
      checkModules([extra({ keys: ['MER#*#THINGS'] }), extra({ name: 'other', keys: ['MER#mer_1#THINGS'] })]),
    ).toThrow(/overlaps/);
    expect(() =>
      checkModules([
        extra({ keys: ['MER#*#THINGS'] }),
        extra({ name: 'other', keys: ['MER#*#OTHERS', 'MER#*', 'MER#THINGS#*'] }),
      ]),
    ).not.toThrow();
  });

  it('claims a key pattern for every module that writes items', () => {
    for (const name of ['wallet', 'payments', 'webhooks', 'ledger', 'identity']) {
      expect(modules.find((module) => module.name === name)?.keys?.length, name).toBeGreaterThan(0);
    }
  });

  it('tells overlapping key patterns apart segment by segment', () => {
    expect(keyPatternsOverlap('MER#*#EVENTS', 'MER#mer_1#EVENTS')).toBe(true);
    expect(keyPatternsOverlap('MER#*#EVENTS', 'MER#*#PAYMENTS')).toBe(false);
    expect(keyPatternsOverlap('MER#*', 'MER#*#PAYMENTS')).toBe(false);
    expect(keyPatternsOverlap('MER#*#EVENTS', 'MER#PAYS#*')).toBe(false);
    expect(keyPatternsOverlap('*', 'USERS')).toBe(false);
    expect(keyPatternsOverlap('*', 'ann@example.com')).toBe(true);
    expect(keyPatternsOverlap('IDEM#*#**', 'IDEM#key:key_1#order#7')).toBe(true);
    expect(keyPatternsOverlap('IDEM#*#**', 'IDEM#*')).toBe(false);
    expect(keyPatternsOverlap('LEDGER#CURRENCY#{CODE}', 'LEDGER#CURRENCY#USD')).toBe(true);
    expect(keyPatternsOverlap('LEDGER#CURRENCY#{CODE}', 'LEDGER#CURRENCY#*')).toBe(false);
  });

  it('matches real keys to patterns: ids and emails fill a *, currency codes a {CODE}, layout words only themselves', () => {
    expect(keyMatchesPattern('MER#mer_01J#EVENTS', 'MER#*#EVENTS')).toBe(true);
    expect(keyMatchesPattern('MER#ALL', 'MER#*')).toBe(false);
    expect(keyMatchesPattern('MER#ALL', 'MER#ALL')).toBe(true);
    expect(keyMatchesPattern('LEDGER#CURRENCY#COIN', 'LEDGER#CURRENCY#{CODE}')).toBe(true);
    expect(keyMatchesPattern('LEDGER#CURRENCY#usd', 'LEDGER#CURRENCY#{CODE}')).toBe(false);
    expect(keyMatchesPattern('IDEM#user:usr_1#a#b', 'IDEM#*#**')).toBe(true);
    expect(keyMatchesPattern('PAY#pay_1#X', 'PAY#*')).toBe(false);
  });

  it('refuses a second claim on a name: module, subscription, job, queue, event type, path', () => {
    expect(() => checkModules([...modules, extra({ name: 'wallet' })])).toThrow(/module "wallet"/);
    const handler = () => async () => {};
    expect(() =>
      checkModules([
        ...modules,
        extra({ subscriptions: [{ name: 'wallet.open-on-signup', pattern: { type: ['x'] }, handler }] }),
      ]),
    ).toThrow(/subscription "wallet.open-on-signup": wallet, extra/);
    expect(() =>
      checkModules([
        ...modules,
        extra({
          jobs: [{ name: 'settlement-daily', cron: '0 1 * * *', description: '', run: async () => 0 }],
        }),
      ]),
    ).toThrow(/job "settlement-daily"/);
    expect(() => checkModules([...modules, extra({ events: ['payment.captured'] })])).toThrow(
      /event type "payment.captured"/,
    );
    expect(() =>
      checkModules([...modules, extra({ http: { paths: [{ prefix: '/v1/payments', auth: 'user' }] } })]),
    ).toThrow(/path "\/v1\/payments\/\*"/);
  });

  it('refuses an error code or id prefix the kernel or another module already has', () => {
    expect(() =>
      checkModules([
        ...modules,
        extra({ errors: { not_found: { status: 404, type: errorTypes.not_found } } }),
      ]),
    ).toThrow(/error code "not_found": kernel, extra/);
    expect(() => checkModules([...modules, extra({ ids: { thing: 'pay' } })])).toThrow(
      /id prefix "pay": kernel, extra/,
    );
    expect(() =>
      checkModules([extra({ ids: { thing: 'thg' } }), extra({ name: 'other', ids: { other: 'thg' } })]),
    ).toThrow(/id prefix "thg": extra, other/);
  });

  it('refuses migrations not numbered 1, 2, 3… in order', () => {
    const run = async () => ({ changed: 0 });
    expect(() =>
      checkModules([...modules, extra({ migrations: [{ version: 2, description: 'x', run }] })]),
    ).toThrow(/numbered 1, 2, 3/);
    expect(() =>
      checkModules([
        ...modules,
        extra({
          migrations: [
            { version: 1, description: 'a', run },
            { version: 1, description: 'b', run },
          ],
        }),
      ]),
    ).toThrow(/found 1 at position 2/);
    expect(
      catalogOf([...modules, extra({ migrations: [{ version: 1, description: 'a', run }] })]).migrations,
    ).toContainEqual({ module: 'extra', version: 1, description: 'a' });
  });

  it('refuses an authentication scheme no module offers, an admin path opened to others, and a job for a missing workflow', () => {
    expect(() =>
      checkModules([...modules, extra({ http: { paths: [{ prefix: '/v1/things', auth: 'partner' }] } })]),
    ).toThrow(/scheme "partner", which no module offers/);
    expect(() =>
      checkModules([...modules, extra({ http: { paths: [{ prefix: '/v1/admin/things', auth: 'user' }] } })]),
    ).toThrow(/\/v1\/admin\/ is for admins/);
    expect(() =>
      checkModules([
        ...modules,
        extra({ jobs: [{ name: 'x', cron: '* * * * *', description: '', workflow: 'nope' }] }),
      ]),
    ).toThrow(/workflow "nope"/);
  });

  it('gathers each declared secret once with the modules that read it, and refuses a bad name, a second description, a second alarm name', () => {
    const key = { name: 'extra/key', description: 'the key' };
    const reader = extra({ name: 'reader', secrets: [key] });
    expect(secretsOf([extra({ secrets: [key] }), reader])).toEqual([
      { ...key, readers: ['extra', 'reader'] },
    ]);
    expect(() => checkModules([extra({ secrets: [key] }), reader])).not.toThrow();
    expect(() => checkModules([extra({ secrets: [{ name: 'extra key', description: 'x' }] })])).toThrow(
      TypeError,
    );
    expect(() =>
      checkModules([
        extra({ secrets: [key] }),
        extra({ name: 'other', secrets: [{ ...key, description: 'another' }] }),
      ]),
    ).toThrow('the secret "extra/key" is declared twice with different descriptions');
    const alarm = { name: 'down', metric: 'Down', threshold: 1, description: 'down' };
    expect(() => checkModules([extra({ alarms: [alarm, alarm] })])).toThrow(
      'two modules claim the alarm "extra-down"',
    );
    // The app's: the hub's key, read by the hub and billing (which charges through it).
    expect(secretsOf(modules).map((secret) => [secret.name, secret.readers])).toEqual([
      ['hub/credentials-key', ['hub', 'billing']],
    ]);
  });

  it("resolves a path to the longest claim that covers it, a user token by default and an admin's under /v1/admin/", () => {
    const authOf = authResolver(modules);
    expect(authOf('/v1/payments')).toBe('merchant');
    expect(authOf('/v1/payments/pay_1/capture')).toBe('merchant');
    expect(authOf('/v1/paymentsx')).toBe('user');
    expect(authOf('/v1/auth/login')).toBe('public');
    expect(authOf('/v1/auth/login/x')).toBe('user');
    expect(authOf('/v1/admin/anything')).toBe('admin');
    expect(authOf('/v1/nowhere')).toBe('user');
  });

  it('offers webhooks every event type a module puts in its webhookEvents', () => {
    expect(catalogOf(modules).webhookEventTypes).toEqual(
      expect.arrayContaining(['payment.captured', 'refund.succeeded', 'dispute.created']),
    );
    expect(catalogOf(modules).webhookEventTypes).not.toContain('wallet.transfer.created');
    expect(
      catalogOf([...modules, extra({ events: ['thing.done'], webhookEvents: ['thing.done'] })])
        .webhookEventTypes,
    ).toContain('thing.done');
  });

  it('serves every route of a module under a path that module claims', async () => {
    const { app } = createTestApp();
    const document = (await (await app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { tags?: string[] }>>;
    };
    const claimed = ownedPaths(modules);
    // The app's own routes (platform metrics), mounted by create-app.ts beside the modules.
    const appRoutes = ['/v1/metrics', '/v1/admin/metrics'];
    for (const path of Object.keys(document.paths).filter(
      (candidate) => candidate.startsWith('/v1/') && !appRoutes.includes(candidate),
    )) {
      const owner = claimed.find((claim) =>
        'exact' in claim
          ? claim.exact === path
          : path === claim.prefix || path.startsWith(`${claim.prefix}/`),
      );
      expect(owner, path).toBeDefined();
    }
  });
});
