import { createInterface } from 'node:readline/promises';
import { createSluice } from '@sluice/sdk';
import { normalizeApi, readConfig, writeConfig, type Credentials } from '../config.ts';
import { CliError, exitCodes, outputOf, resolveApi, sluiceFor, type GlobalOptions } from '../context.ts';

export interface LoginOptions extends GlobalOptions {
  token?: string;
  merchant?: string;
  email?: string;
  password?: string;
}

/**
 * `sluice login`: checks a secret key (`--api-key`, else asked for, or read from stdin), or a
 * user token with `--merchant`, against the API (`GET /v1/balance`), then stores it for that API
 * in the config file (0600) and makes that API the default. With `--email` and `--password` it
 * signs in as that user and makes a key of its own (`--merchant`, else the user's first
 * merchant, else a new sandbox merchant), so nothing has to be copied from the dashboard.
 */
export async function login(options: LoginOptions): Promise<void> {
  const output = outputOf(options);
  const api = await resolveApi(options);
  const credentials = options.email ? await keyForUser(api, options, output) : await credentialsFrom(options);
  const spinner = output.spinner(`Checking your credentials with ${api}…`);
  try {
    await sluiceFor(api, credentials).get('/v1/balance');
  } catch (error) {
    spinner.error('Refused');
    throw error;
  }
  spinner.success('Verified');
  const config = await readConfig();
  config.profiles[normalizeApi(api)] = credentials;
  config.default_api = normalizeApi(api);
  const path = await writeConfig(config);
  output.print(`Logged in to ${api}. Credentials saved in ${path}`, {
    api,
    config: path,
    credential: credentials.api_key ? 'api_key' : 'token',
  });
}

/** Signs in, picks or creates the merchant, and makes it a key named for the CLI. */
async function keyForUser(
  api: string,
  options: LoginOptions,
  output: ReturnType<typeof outputOf>,
): Promise<Credentials> {
  if (!options.password) throw new CliError('with --email, give --password too', exitCodes.usage);
  const spinner = output.spinner(`Signing in to ${api} as ${options.email}…`);
  try {
    const anonymous = createSluice({ baseUrl: api });
    const session = await anonymous.post('/v1/auth/login', {
      body: { email: options.email!, password: options.password },
    });
    if (!('access_token' in session))
      throw new CliError(
        'this account signs in with a second factor: create a key in the dashboard and use --api-key',
        exitCodes.unauthenticated,
      );
    const user = createSluice({ baseUrl: api, token: session.access_token });
    const merchants = await user.get('/v1/merchants', { params: { query: { limit: 100 } } });
    const merchant =
      options.merchant ??
      merchants.data[0]?.id ??
      (await user.post('/v1/merchants', { body: { name: 'Sandbox' } })).id;
    const key = await user.post('/v1/merchants/{id}/api-keys', {
      params: { path: { id: merchant } },
      body: { name: 'sluice CLI' },
    });
    if (!key.secret) throw new CliError('the API did not return the new key', exitCodes.failure);
    spinner.success(`Made a key for ${merchant}`);
    return { api_key: key.secret };
  } catch (error) {
    spinner.error('Could not sign in');
    throw error;
  }
}

async function credentialsFrom(options: LoginOptions): Promise<Credentials> {
  if (options.token) {
    if (!options.merchant)
      throw new CliError('with --token, name the merchant with --merchant mer_…', exitCodes.usage);
    return { token: options.token, merchant: options.merchant };
  }
  const key = options.apiKey ?? (await askForKey());
  if (!key.startsWith('sk_'))
    throw new CliError(
      'a secret key starts with sk_test_ (dashboard → Developers → API keys)',
      exitCodes.usage,
    );
  return { api_key: key };
}

/** Asks on a terminal; reads the first line of stdin otherwise (`echo $KEY | sluice login`). */
async function askForKey(): Promise<string> {
  const prompt = createInterface({
    input: process.stdin,
    output: process.stderr,
    terminal: process.stdin.isTTY,
  });
  try {
    const answer = process.stdin.isTTY
      ? await prompt.question('Paste a secret key (sk_test_…): ')
      : await new Promise<string>((resolve) => {
          prompt.once('line', resolve);
          prompt.once('close', () => resolve(''));
        });
    return answer.trim();
  } finally {
    prompt.close();
  }
}
