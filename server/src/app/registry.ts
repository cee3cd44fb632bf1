import { errorCodes } from '../kernel/errors.ts';
import { idPrefixes } from '../kernel/ids.ts';
import { keyPatternsOverlap, platformKeyPatterns } from '../platform/keys.ts';
import { assertSecretName } from '../platform/secrets.ts';
import type {
  ModuleCatalog,
  ModuleJob,
  ModuleSecret,
  ModuleSubscription,
  ModuleWorkflow,
  OwnedPath,
  PathAuth,
  SluiceModule,
} from '../platform/module.ts';

/**
 * What the modules declare, gathered: the webhook catalogue.
 *
 * @example catalogOf(modules).webhookEventTypes // ['payment.authorized', …]
 */
export function catalogOf(modules: readonly SluiceModule[]): ModuleCatalog {
  return {
    webhookEventTypes: [...new Set(modules.flatMap((module) => module.webhookEvents ?? []))],
    migrations: modules.flatMap((module) =>
      (module.migrations ?? []).map(({ version, description }) => ({
        module: module.name,
        version,
        description,
      })),
    ),
    queues: modules.flatMap((module) =>
      (module.consumers ?? []).map((consumer) => ({ module: module.name, queue: consumer.queue })),
    ),
  };
}

/** Every path the modules own, with the module that owns it. */
export function ownedPaths(modules: readonly SluiceModule[]): Array<OwnedPath & { module: string }> {
  return modules.flatMap((module) =>
    (module.http?.paths ?? []).map((path) => ({ ...path, module: module.name })),
  );
}

/** Every subscription, job and workflow, with its module. */
export function subscriptionsOf(
  modules: readonly SluiceModule[],
): Array<ModuleSubscription & { module: string }> {
  return modules.flatMap((module) =>
    (module.subscriptions ?? []).map((subscription) => ({ ...subscription, module: module.name })),
  );
}
export function jobsOf(modules: readonly SluiceModule[]): Array<ModuleJob & { module: string }> {
  return modules.flatMap((module) => (module.jobs ?? []).map((job) => ({ ...job, module: module.name })));
}
export function workflowsOf(modules: readonly SluiceModule[]): Array<ModuleWorkflow & { module: string }> {
  return modules.flatMap((module) =>
    (module.workflows ?? []).map((workflow) => ({ ...workflow, module: module.name })),
  );
}

/**
 * Every secret the modules read, once per name, with the modules whose code reads it (a module
 * that calls another's code lists that module's secret too: billing charges through the hub).
 *
 * @example secretsOf(modules) // [{ name: 'hub/credentials-key', description: '…', readers: ['hub', 'billing'] }]
 */
export function secretsOf(modules: readonly SluiceModule[]): Array<ModuleSecret & { readers: string[] }> {
  const byName = new Map<string, ModuleSecret & { readers: string[] }>();
  for (const module of modules)
    for (const secret of module.secrets ?? []) {
      const known = byName.get(secret.name);
      if (known) known.readers.push(module.name);
      else byName.set(secret.name, { ...secret, readers: [module.name] });
    }
  return [...byName.values()];
}

/**
 * How a `/v1` path authenticates: the module path that names it exactly, else the longest prefix
 * that covers it (`/v1/events` covers `/v1/events/evt_…`, not `/v1/eventsx`), else an admin's
 * token under `/v1/admin/` and a user token anywhere else.
 *
 * @example authResolver(modules)('/v1/payments/pay_1') // 'merchant'
 */
export function authResolver(modules: readonly SluiceModule[]): (path: string) => PathAuth {
  const owned = pathResolver(modules);
  return (path) => owned(path)?.auth ?? (path.startsWith('/v1/admin/') ? 'admin' : 'user');
}

/**
 * The module path that covers a `/v1` path: the one naming it exactly, else the longest prefix
 * that covers it (`/v1/events` covers `/v1/events/evt_…`, not `/v1/eventsx`); undefined when no
 * module claims it.
 *
 * @example pathResolver(modules)('/v1/transfers') // { prefix: '/v1/transfers', auth: 'user', idempotency: 'in_transaction' }
 */
export function pathResolver(modules: readonly SluiceModule[]): (path: string) => OwnedPath | undefined {
  const exact = new Map<string, OwnedPath>();
  const prefixes: Array<OwnedPath & { prefix: string }> = [];
  for (const path of ownedPaths(modules)) {
    if ('exact' in path) exact.set(path.exact, path);
    else prefixes.push(path);
  }
  prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
  return (path) =>
    exact.get(path) ?? prefixes.find(({ prefix }) => path === prefix || path.startsWith(`${prefix}/`));
}

/**
 * Refuses a module list in which two modules claim one name: a module, a path, a subscription, a
 * job, a workflow, a queue, an error code or an id prefix (the kernel's included), or key
 * patterns that some key could match twice (the platform's included); and a path whose scheme no
 * module offers. Both runtimes and the CDK app call it, so a clash fails at start-up and in
 * tests, not in production data.
 *
 * @example checkModules(modules) // throws Error('two modules claim the subscription "wallet.open-on-signup": wallet, extra')
 */
export function checkModules(modules: readonly SluiceModule[]): void {
  const claims = new Map<string, string>();
  const claim = (what: string, name: string, module: string) => {
    const key = `${what}\u0000${name}`;
    const owner = claims.get(key);
    if (owner !== undefined) throw new Error(`two modules claim the ${what} "${name}": ${owner}, ${module}`);
    claims.set(key, module);
  };
  for (const code of errorCodes) claim('error code', code, 'kernel');
  for (const prefix of Object.values(idPrefixes)) claim('id prefix', prefix, 'kernel');
  const keys: Array<{ pattern: string; module: string }> = platformKeyPatterns.map((pattern) => ({
    pattern,
    module: 'platform',
  }));
  const schemes = new Set([
    'public',
    'user',
    'admin',
    ...modules.flatMap((module) => Object.keys(module.http?.authSchemes ?? {})),
  ]);

  for (const module of modules) {
    claim('module', module.name, module.name);
    for (const path of module.http?.paths ?? []) {
      claim('path', 'exact' in path ? path.exact : `${path.prefix}/*`, module.name);
      if (!schemes.has(path.auth))
        throw new Error(
          `module ${module.name} asks for the authentication scheme "${path.auth}", which no module offers`,
        );
      const name = 'exact' in path ? path.exact : path.prefix;
      if (name.startsWith('/v1/admin/') && path.auth !== 'admin')
        throw new Error(`module ${module.name} opens ${name} to "${path.auth}": /v1/admin/ is for admins`);
    }
    for (const scheme of Object.keys(module.http?.authSchemes ?? {}))
      claim('authentication scheme', scheme, module.name);
    for (const subscription of module.subscriptions ?? [])
      claim('subscription', subscription.name, module.name);
    for (const job of module.jobs ?? []) claim('job', job.name, module.name);
    for (const workflow of module.workflows ?? []) claim('workflow', workflow.name, module.name);
    for (const consumer of module.consumers ?? []) claim('queue', consumer.queue, module.name);
    for (const type of module.events ?? []) claim('event type', type, module.name);
    for (const code of Object.keys(module.errors ?? {})) claim('error code', code, module.name);
    for (const prefix of Object.values(module.ids ?? {})) claim('id prefix', prefix, module.name);
    for (const pattern of module.keys ?? []) {
      const clash = keys.find((other) => keyPatternsOverlap(other.pattern, pattern));
      if (clash)
        throw new Error(
          `the key pattern "${pattern}" of ${module.name} overlaps "${clash.pattern}" of ${clash.module}`,
        );
      keys.push({ pattern, module: module.name });
    }
    for (const [index, migration] of (module.migrations ?? []).entries()) {
      if (migration.version !== index + 1) {
        throw new Error(
          `the migrations of ${module.name} must be numbered 1, 2, 3… in order; found ${migration.version} at position ${index + 1}`,
        );
      }
    }
    for (const secret of module.secrets ?? []) assertSecretName(secret.name);
    for (const alarm of module.alarms ?? []) claim('alarm', `${module.name}-${alarm.name}`, module.name);
    for (const job of module.jobs ?? []) {
      if (
        job.workflow !== undefined &&
        !(module.workflows ?? []).some((workflow) => workflow.name === job.workflow)
      ) {
        throw new Error(
          `the job "${job.name}" of ${module.name} starts the workflow "${job.workflow}", which ${module.name} does not define`,
        );
      }
    }
  }
  for (const secret of secretsOf(modules)) {
    const other = modules
      .flatMap((module) => module.secrets ?? [])
      .find((declared) => declared.name === secret.name && declared.description !== secret.description);
    if (other)
      throw new Error(
        `the secret "${secret.name}" is declared twice with different descriptions: share one declaration`,
      );
  }
}
