import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { assertSecretName, SecretNotFoundError, type Secrets } from '../../platform/secrets.ts';
import { EnvSecrets, envVariableFor } from './env-secrets.ts';

export interface LocalSecretsOptions {
  /** The file of generated values, `<data dir>/secrets.json` for the local server. */
  file: string;
  /** Checked first (`EnvSecrets` naming: `hub/credentials-key` is `HUB_CREDENTIALS_KEY`). Default: none. */
  env?: Record<string, string | undefined>;
  /** The secrets the modules declare: each one neither the environment nor the file has is generated. */
  generate?: readonly string[];
}

/**
 * The local runtime's Secrets port, so `npm start` needs no configuration: a secret's environment
 * variable when it is set, otherwise its value in a JSON file of the data dir (`secrets.json`,
 * mode 0600). Each secret a module declares (`SluiceModule.secrets`) that neither has is generated
 * into the file once, when the adapter is opened: 32 random bytes, base64url, kept across restarts.
 *
 * The file is apart from the database on purpose: a copy of `sluice.db` (a backup, an export)
 * without it cannot open what was sealed under these keys. Keep it with the backups (separately),
 * or set the variables instead. Values are read once at open, like `EnvSecrets`.
 *
 * @example
 * const secrets = LocalSecrets.open({ file: join(dataDir, 'secrets.json'), env: process.env, generate: ['hub/credentials-key'] });
 * await secrets.get('hub/credentials-key'); // $HUB_CREDENTIALS_KEY, else the generated value
 */
export class LocalSecrets implements Secrets {
  readonly #env: EnvSecrets;
  readonly #stored: ReadonlyMap<string, string>;
  readonly #file: string;

  private constructor(env: EnvSecrets, stored: ReadonlyMap<string, string>, file: string) {
    this.#env = env;
    this.#stored = stored;
    this.#file = file;
  }

  /** Reads the file (creating it, and generating what is missing, as needed). */
  static open(options: LocalSecretsOptions): LocalSecrets {
    const env = options.env ?? {};
    const stored = readSecretsFile(options.file);
    const missing = (options.generate ?? []).filter((name) => {
      assertSecretName(name);
      return !env[envVariableFor(name)] && !stored.get(name);
    });
    if (missing.length > 0) {
      for (const name of missing) stored.set(name, randomBytes(32).toString('base64url'));
      writeSecretsFile(options.file, stored);
    }
    return new LocalSecrets(new EnvSecrets(env), stored, options.file);
  }

  async get(name: string): Promise<string> {
    assertSecretName(name);
    try {
      return await this.#env.get(name);
    } catch (error) {
      if (!(error instanceof SecretNotFoundError)) throw error;
      const value = this.#stored.get(name);
      if (!value)
        throw new SecretNotFoundError(name, {
          where: `the environment variable ${envVariableFor(name)}, or "${name}" in ${this.#file}`,
        });
      return value;
    }
  }
}

/** The file's name → value pairs (none when it does not exist); its mode is tightened to 0600. */
function readSecretsFile(file: string): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined; // the message below names the file, never its content
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    Array.isArray(parsed) ||
    !Object.values(parsed).every((value) => typeof value === 'string')
  )
    throw new Error(`${file} must be a JSON object of secret name to string value`);
  return new Map(Object.entries(parsed as Record<string, string>));
}

/** Writes the whole file (mode 0600) through a temporary file and a rename: never half written. */
function writeSecretsFile(file: string, values: ReadonlyMap<string, string>): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(Object.fromEntries(values), null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}
