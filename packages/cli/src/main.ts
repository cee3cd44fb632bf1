import { Command, CommanderError } from 'commander';
import { eventsList, eventsResend } from './commands/events.ts';
import { listen } from './commands/listen.ts';
import { login } from './commands/login.ts';
import { logsTail } from './commands/logs.ts';
import { trigger, triggerAliases, triggers } from './commands/trigger.ts';
import { contextOf, describeFailure, exitCodes, type GlobalOptions } from './context.ts';

/** An AbortSignal that fires on ^C or SIGTERM: long-running commands stop cleanly, exit 0. */
function untilInterrupted(): AbortSignal {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return controller.signal;
}

function program(): Command {
  const cli = new Command('sluice')
    .description(
      'Sluice from the terminal: forward sandbox webhooks to a local URL, trigger events, tail API logs',
    )
    .option(
      '--api <url>',
      'API base URL (default: $SLUICE_API_URL, the last one logged in to, or http://localhost:3000)',
    )
    .option('--api-key <key>', 'a secret key to use instead of the stored one (default: $SLUICE_API_KEY)')
    .option('--json', 'machine-readable output: one JSON value per line')
    .exitOverride()
    .showHelpAfterError();
  const globals = (command: Command) => command.optsWithGlobals<GlobalOptions & Record<string, string>>();

  cli
    .command('login')
    .description('store a secret key (or a user token and merchant) for an API')
    .option('--token <token>', "a user's access token instead of a key")
    .option(
      '--merchant <id>',
      'with --token: the merchant to act as; with --email: the merchant to make a key for',
    )
    .option('--email <email>', 'sign in as this user and make a key (with --password)')
    .option('--password <password>', "the user's password")
    .action(async (_options, command: Command) => login(globals(command)));

  cli
    .command('listen')
    .description("forward the merchant's events, signed, to a local URL")
    .requiredOption('--forward-to <url>', 'where to POST each event, e.g. http://localhost:4242/webhooks')
    .option('--events <types>', 'comma-separated event types to forward (payment.*, * allowed); default all')
    .option('--secret <whsec>', 'sign with this secret instead of a fresh one')
    .action(async (options: { forwardTo: string; events?: string; secret?: string }, command: Command) =>
      listen(await contextOf(globals(command)), options, untilInterrupted()),
    );

  cli
    .command('trigger')
    .description(`create what produces an event: ${Object.keys(triggers).join(', ')}`)
    .argument('<event>', `the event type (aliases: ${Object.keys(triggerAliases).join(', ')})`)
    .action(async (event: string, _options, command: Command) =>
      trigger(await contextOf(globals(command)), event),
    );

  const logs = cli.command('logs').description("the merchant's API request log");
  logs
    .command('tail')
    .description('print API requests as they happen')
    .action(async (_options, command: Command) =>
      logsTail(await contextOf(globals(command)), untilInterrupted()),
    );

  const events = cli.command('events').description("the merchant's events");
  events
    .command('list')
    .description('the newest events')
    .option('--limit <n>', 'how many (1-100)', '20')
    .option('--type <type>', 'only this event type')
    .action(async (options: { limit: string; type?: string }, command: Command) =>
      eventsList(await contextOf(globals(command)), options),
    );
  events
    .command('resend')
    .description('deliver an event again to your webhook endpoints')
    .argument('<event-id>')
    .option('--endpoint <id>', 'only to this endpoint')
    .action(async (id: string, options: { endpoint?: string }, command: Command) =>
      eventsResend(await contextOf(globals(command)), id, options),
    );
  return cli;
}

/**
 * Runs the CLI on `argv` (without `node` and the script) and answers the exit code: 0 done,
 * 1 unexpected failure, 2 bad usage, 3 not logged in or credential refused, 4 the API refused
 * the request, 5 the API unreachable.
 */
export async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv, { from: 'user' });
    return exitCodes.ok;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
    const failure = describeFailure(error);
    process.stderr.write(`Error: ${failure.message}\n`);
    return failure.exitCode;
  }
}
