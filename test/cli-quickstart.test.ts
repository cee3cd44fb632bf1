import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { webhooks } from '@sluice/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readmeBlocks, type CliProcess } from './sdk-fixtures.ts';
import {
  makeTempDir,
  removeDir,
  repoRoot,
  signUp,
  startServer,
  type ApiUser,
  type ServerProcess,
} from './server-process.ts';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts';

/**
 * Runs the CLI README's "Five-minute quick start" as written: every `sh` line, in order, through
 * `npx` from the repository root. The only substitutions are the ones a reader makes: the port
 * the test's server and receiver got instead of 3000 and 4242, and the account the reader signed
 * up with in the dashboard (signed up here through the same API).
 */
describe('the CLI README quick start, followed literally', () => {
  let server: ServerProcess;
  let receiver: WebhookReceiver;
  let user: ApiUser & { password: string };
  let configDir: string;
  const running: CliProcess[] = [];

  beforeAll(async () => {
    server = await startServer();
    receiver = await startWebhookReceiver();
    configDir = await makeTempDir('sluice-quickstart-');
    const password = 'quick start battery staple';
    user = { ...(await signUp(server.url, { name: 'reader', password })), password };
  });
  afterAll(async () => {
    await Promise.all(running.map((cli) => cli.interrupt()));
    await receiver?.close();
    if (configDir) await removeDir(configDir);
    await server?.dispose();
  });

  it('starts, logs in, forwards triggered events signed to the app, lists them and tails the requests', async () => {
    const blocks = (await readmeBlocks('packages/cli/README.md', 'Five-minute quick start')).filter(
      (block) => block.lang === 'sh',
    );
    const commands = blocks.flatMap((block) =>
      block.code
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('#')),
    );
    expect(commands[0]).toBe('npm start');
    // `npm start` is the script startServer runs (the server's real entry point), on a free port.
    const scripts = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')).scripts;
    expect(scripts.start).toBe('node server/src/runtime/local/main.ts');

    const substitute = (line: string) =>
      line
        .replaceAll('http://localhost:3000', server.url)
        .replaceAll('http://localhost:4242', receiver.url)
        .replaceAll('you@example.com', user.email)
        .replaceAll("'your password'", `'${user.password}'`);
    const forever = /^npx sluice (listen|logs tail)\b/;
    let listen: CliProcess | undefined;
    let tail: CliProcess | undefined;
    const outputs: Record<string, string> = {};
    for (const command of commands.slice(1)) {
      const line = substitute(command);
      expect(line.startsWith('npx sluice ')).toBe(true);
      const cli = npx(shellWords(line), configDir);
      if (forever.test(command)) {
        running.push(cli);
        await cli.waitFor((text: unknown) => typeof text === 'string' && /^(Ready!|Tailing)/.test(text));
        if (command.includes('listen')) listen = cli;
        else tail = cli;
        continue;
      }
      const result = await cli.exited;
      expect(result.code, `${command}\n${result.stderr}`).toBe(0);
      outputs[command] = result.stdout;
    }

    // listen printed its secret; the app got both triggered events, each verifying with it.
    expect(listen).toBeDefined();
    const secret = /whsec_[0-9a-f]+/.exec(listen!.lines.join('\n'))?.[0];
    expect(secret).toBeDefined();
    await expect
      .poll(() => receiver.received.map((hook) => JSON.parse(hook.body).type).sort(), { timeout: 15_000 })
      .toEqual(expect.arrayContaining(['payment.captured', 'refund.succeeded']));
    for (const hook of receiver.received) {
      expect(hook.path).toBe('/webhooks');
      expect(await webhooks.verify(hook.body, hook.signature, secret!)).toBe(true);
    }
    expect(listen!.lines.join('\n')).toMatch(/<-- \[200\] POST .*\/webhooks \[evt_/);
    const listed = outputs['npx sluice events list'] ?? '';
    expect(listed).toContain('payment.captured');
    expect(listed).toContain('refund.succeeded');

    // logs tail was started last: a request made now shows up in it.
    expect(tail).toBeDefined();
    const again = await npx(['npx', 'sluice', 'events', 'list'], configDir).exited;
    expect(again.code).toBe(0);
    await tail!.waitFor((text: unknown) => typeof text === 'string' && /\[200\] GET \/v1\/events/.test(text));
  });
});

/** `npx sluice …` as a reader's shell runs it, from the repository root, with the test's config dir. */
function npx(words: string[], configDir: string): CliProcess {
  const [command, ...args] = words;
  // Its own process group: ^C reaches npx and the sluice process under it, as in a terminal.
  const child = spawn(command!, args, {
    cwd: repoRoot,
    env: { ...process.env, SLUICE_CONFIG_DIR: configDir },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  return watch(child);
}

/** Splits a shell line into words, honouring single quotes (all the README uses). */
function shellWords(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2]!);
}

function watch(child: ReturnType<typeof spawn>): CliProcess {
  const lines: string[] = [];
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    lines.splice(0, lines.length, ...stdout.split('\n').filter(Boolean));
    for (const wake of waiters) wake();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, stdout, stderr })),
  );
  return {
    child,
    lines,
    exited,
    waitFor<T>(match: (value: T) => boolean, timeoutMs = 20_000) {
      return new Promise<T>((resolve, reject) => {
        const check = () => {
          const found = lines.find((line) => match(line as T));
          if (found === undefined) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found as T);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out\n${stdout}\n${stderr}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async interrupt() {
      if (child.exitCode === null && child.pid !== undefined) process.kill(-child.pid, 'SIGINT');
      return exited;
    },
  };
}
