import {
  createSluice,
  SluiceAuthenticationError,
  SluiceConnectionError,
  SluiceError,
  type Sluice,
} from '@sluice/sdk';
import { createSpinner, type Spinner } from 'nanospinner';
import { defaultApi, normalizeApi, readConfig, type Credentials } from './config.ts';

/** Exit codes a script can branch on. */
export const exitCodes = {
  ok: 0,
  /** Anything unexpected. */
  failure: 1,
  /** Bad arguments or options. */
  usage: 2,
  /** Not logged in, or the key or token was refused (401). */
  unauthenticated: 3,
  /** The API refused the request (any other 4xx). */
  apiError: 4,
  /** The API could not be reached (network, timeout, 5xx after retries). */
  unreachable: 5,
} as const;

/** A failure with the exit code it means; `main` prints it and exits with it. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.exitCode = exitCode;
  }
}

export interface GlobalOptions {
  api?: string;
  apiKey?: string;
  json?: boolean;
}

export interface Context {
  api: string;
  credentials: Credentials;
  sluice: Sluice;
  json: boolean;
  /** One result line: JSON with `--json`, else the text. */
  print(text: string, value: unknown): void;
  /** A spinner on stderr for anything that waits (none with `--json` or off a terminal). */
  spinner(text: string): Spinner;
}

/** The API to talk to: `--api`, `$SLUICE_API_URL`, the last one logged in to, or localhost:3000. */
export async function resolveApi(options: GlobalOptions, env = process.env): Promise<string> {
  const config = await readConfig(env);
  return normalizeApi(options.api ?? env.SLUICE_API_URL ?? config.default_api ?? defaultApi);
}

/** The API, its stored (or `--api-key` / `$SLUICE_API_KEY`) credentials and an SDK client for it. */
export async function contextOf(options: GlobalOptions, env = process.env): Promise<Context> {
  const api = await resolveApi(options, env);
  const stored = (await readConfig(env)).profiles[api] ?? {};
  const key = options.apiKey ?? env.SLUICE_API_KEY;
  const credentials: Credentials = key ? { api_key: key } : stored;
  if (!credentials.api_key && !credentials.token)
    throw new CliError(
      `not logged in to ${api}: run \`sluice login --api ${api}\`, or pass --api-key`,
      exitCodes.unauthenticated,
    );
  return { api, credentials, sluice: sluiceFor(api, credentials), ...outputOf(options) };
}

export function sluiceFor(api: string, credentials: Credentials): Sluice {
  return createSluice({
    baseUrl: api,
    ...(credentials.api_key ? { apiKey: credentials.api_key } : {}),
    ...(credentials.token ? { token: credentials.token } : {}),
    ...(credentials.merchant ? { merchant: credentials.merchant } : {}),
  });
}

export function outputOf(options: GlobalOptions): Pick<Context, 'json' | 'print' | 'spinner'> {
  const json = options.json === true;
  return {
    json,
    print: (text, value) => process.stdout.write(`${json ? JSON.stringify(value) : text}\n`),
    spinner: (text) => {
      const spinner = createSpinner(text, { stream: process.stderr });
      return json || !process.stderr.isTTY ? spinner : spinner.start();
    },
  };
}

/** The exit code an error means, and the message to show for it. */
export function describeFailure(error: unknown): { message: string; exitCode: number } {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  if (error instanceof SluiceConnectionError)
    return { message: error.message, exitCode: exitCodes.unreachable };
  if (error instanceof SluiceAuthenticationError)
    return { message: `${error.code}: ${error.message}`, exitCode: exitCodes.unauthenticated };
  if (error instanceof SluiceError) {
    const where = error.param ? ` (${error.param})` : '';
    const id = error.requestId ? ` [${error.requestId}]` : '';
    return {
      message: `${error.status} ${error.code}${where}: ${error.message}${id}`,
      exitCode: error.status >= 500 ? exitCodes.unreachable : exitCodes.apiError,
    };
  }
  return { message: error instanceof Error ? error.message : String(error), exitCode: exitCodes.failure };
}
