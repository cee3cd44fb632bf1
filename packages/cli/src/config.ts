import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** What `sluice login` stores for one API base URL. */
export interface Credentials {
  /** A secret key (`sk_test_…`): acts as its merchant. */
  api_key?: string;
  /** Or a user's access token, with the merchant it acts for. */
  token?: string;
  merchant?: string;
}

export interface ConfigFile {
  /** The API used when `--api` and `SLUICE_API_URL` are not given: the last one logged in to. */
  default_api?: string;
  /** Credentials by API base URL (`http://localhost:3000`, a deployed stage's URL). */
  profiles: Record<string, Credentials>;
}

export const defaultApi = 'http://localhost:3000';

/**
 * `$SLUICE_CONFIG_DIR`, else the platform's user config dir (`$XDG_CONFIG_HOME` or `~/.config`;
 * `%APPDATA%` on Windows) + `/sluice`. The file holds secrets: it is written 0600 in a 0700 dir.
 */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SLUICE_CONFIG_DIR) return env.SLUICE_CONFIG_DIR;
  const base =
    process.platform === 'win32'
      ? (env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'))
      : (env.XDG_CONFIG_HOME ?? join(homedir(), '.config'));
  return join(base, 'sluice');
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), 'config.json');
}

export async function readConfig(env: NodeJS.ProcessEnv = process.env): Promise<ConfigFile> {
  try {
    const parsed = JSON.parse(await readFile(configPath(env), 'utf8')) as Partial<ConfigFile>;
    return { ...parsed, profiles: parsed.profiles ?? {} };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { profiles: {} };
    throw error;
  }
}

/** Writes the whole file atomically (a temp file renamed over it), owner-only. */
export async function writeConfig(config: ConfigFile, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const dir = configDir(env);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = configPath(env);
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, path);
  return path;
}

/** An API base URL as a profile key: origin plus path, no trailing slash. */
export function normalizeApi(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new Error(`the API URL must be http(s): ${url}`);
  return `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, '');
}
