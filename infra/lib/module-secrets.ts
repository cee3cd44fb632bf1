import { ArnFormat, Stack, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { secretsOf } from '../../server/src/app/registry.ts';
import type { SluiceModule } from '../../server/src/platform/module.ts';
import { moduleFunctionSpecs, type SluiceFunction } from './functions.ts';
import { pascalCase } from './wiring.ts';

/**
 * The secrets modules declare (`SluiceModule.secrets`), on AWS: one Secrets Manager secret each,
 * with a generated value, named `<stage prefix>/<name>` (the runtime reads it under
 * `SLUICE_SECRETS_PREFIX`), readable by the functions that run the code of a module declaring it
 * (its own functions, and the HTTP function, which serves every module's routes) and by no other.
 * Grants name the secret by its fixed name, so a module stack takes no reference to the main
 * stack's secret.
 */

/** What the runtime puts before a declared name (`SLUICE_SECRETS_PREFIX`): `sluice-prod/`. */
export function moduleSecretsPrefix(prefix: string): string {
  return `${prefix}/`;
}

/** A declared secret's ARN from its fixed name, valid in any stack (Secrets Manager adds `-` and six characters). */
export function moduleSecretArn(stack: Stack, prefix: string, name: string): string {
  return stack.formatArn({
    service: 'secretsmanager',
    resource: 'secret',
    resourceName: `${moduleSecretsPrefix(prefix)}${name}-??????`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/** The platform function that runs every module's stored-data migrations on a deploy. */
export const migrateFunctionId = 'migrate';

/**
 * The functions that read declared secrets, by function id, with the names each reads: the HTTP
 * function every name, each module's own functions the names that module declares, and the
 * migrate function the names of the modules that have migrations (the hub's re-seals values
 * under its credentials key).
 */
export function moduleSecretReaders(modules: readonly SluiceModule[]): Map<string, string[]> {
  const readers = new Map<string, string[]>();
  const all = secretsOf(modules).map((secret) => secret.name);
  if (all.length > 0) readers.set('http-api', all);
  const migrating = secretsOf(modules.filter((module) => (module.migrations ?? []).length > 0)).map(
    (secret) => secret.name,
  );
  if (migrating.length > 0) readers.set(migrateFunctionId, migrating);
  for (const module of modules) {
    const names = (module.secrets ?? []).map((secret) => secret.name);
    if (names.length === 0) continue;
    for (const spec of moduleFunctionSpecs(module)) readers.set(spec.id, names);
  }
  return readers;
}

/** Creates each declared secret once, in `scope`, with a generated value (64 letters and digits). */
export function createModuleSecrets(
  scope: Construct,
  props: {
    prefix: string;
    stageName: string;
    removalPolicy: RemovalPolicy;
    modules: readonly SluiceModule[];
  },
): secretsmanager.Secret[] {
  return secretsOf(props.modules).map(
    (secret) =>
      new secretsmanager.Secret(scope, `ModuleSecret${pascalCase(secret.name)}`, {
        secretName: `${moduleSecretsPrefix(props.prefix)}${secret.name}`,
        description: `Sluice ${props.stageName} (${secret.readers.join(', ')}): ${secret.description}`,
        generateSecretString: { passwordLength: 64, excludePunctuation: true },
        // What was sealed under it is unreadable without it: kept as long as the table is.
        removalPolicy: props.removalPolicy,
      }),
  );
}

/** Lets each of `functions` that reads declared secrets (`readers`) read exactly those (GetSecretValue). */
export function grantModuleSecrets(
  functions: Iterable<SluiceFunction>,
  props: { prefix: string; readers: ReadonlyMap<string, readonly string[]> },
): void {
  for (const { spec, role } of functions) {
    const names = props.readers.get(spec.id);
    if (!names) continue;
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadModuleSecrets',
        actions: ['secretsmanager:GetSecretValue'],
        resources: names.map((name) => moduleSecretArn(Stack.of(role), props.prefix, name)),
      }),
    );
  }
}
