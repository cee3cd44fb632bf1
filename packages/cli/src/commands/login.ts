import { createInterface } from 'node:readline/promises';
import { normalizeApi, readConfig, writeConfig, type Credentials } from '../config.ts';
import { CliError, exitCodes, outputOf, resolveApi, sluiceFor, type GlobalOptions } from '../context.ts';

export interface LoginOptions extends GlobalOptions {
  token?: string;
  merchant?: string;
}

/**
 * `sluice login`: checks a secret key (`--api-key`, else asked for, or read from stdin), or a
 * user token with `--merchant`, against the API (`GET /v1/balance`), then stores it for that API
 * in the config file (0600) and makes that API the default.
 */
export async function login(options: LoginOptions): Promise<void> {
  const output = outputOf(options);
  const api = await resolveApi(options);
  const credentials = await credentialsFrom(options);
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
