import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { signPayload } from '@sluice/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newMerchant, readmeBlocks, type TestMerchant } from './sdk-fixtures.ts';
import {
  freePort,
  makeTempDir,
  removeDir,
  repoRoot,
  startServer,
  type ServerProcess,
} from './server-process.ts';

const sdkEntry = pathToFileURL(join(repoRoot, 'packages/sdk/src/index.ts')).href;

/**
 * Saves a README block as a file and runs it with this Node, as the README says (`node file.ts`).
 * The one change: `@sluice/sdk` is imported by its path, since the temp dir is outside the repo.
 */
async function saveBlock(dir: string, name: string, code: string): Promise<string> {
  expect(code).toContain("from '@sluice/sdk'");
  const path = join(dir, name);
  await writeFile(path, code.replaceAll("'@sluice/sdk'", `'${sdkEntry}'`));
  return path;
}

function run(path: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [path], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

describe('the SDK README, run as written', () => {
  let server: ServerProcess;
  let shop: TestMerchant;
  let dir: string;
  beforeAll(async () => {
    server = await startServer();
    shop = await newMerchant(server.url);
    dir = await makeTempDir('sluice-sdk-readme-');
  });
  afterAll(async () => {
    if (dir) await removeDir(dir);
    await server?.dispose();
  });

  it('the five-minute quick start charges, refunds, shows a typed decline and walks the events', async () => {
    const [block] = (await readmeBlocks('packages/sdk/README.md', 'Five-minute quick start')).filter(
      (b) => b.lang === 'ts',
    );
    const script = await saveBlock(dir, 'quickstart.ts', block!.code);
    const quickstart = run(script, { SLUICE_API_URL: server.url, SLUICE_API_KEY: shop.key });
    const code = await quickstart.exited;
    const { stdout, stderr } = quickstart.output();
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^charged 1500 USD: pay_\w+ is succeeded$/m);
    expect(stdout).toMatch(/^refunded: re_?\w+$/m);
    expect(stdout).toMatch(/^declined: card_declined \(generic_decline\), request req_\w+$/m);
    const count = Number(/^(\d+) events so far$/m.exec(stdout)?.[1]);
    expect(count).toBeGreaterThanOrEqual(2);
  });

  it('type-checks: the README’s code compiles against the SDK’s types', async () => {
    const blocks = [
      ...(await readmeBlocks('packages/sdk/README.md', 'Five-minute quick start')),
      ...(await readmeBlocks('packages/sdk/README.md', 'Verify webhooks')),
    ].filter((b) => b.lang === 'ts');
    const checkDir = join(dir, 'typecheck');
    await mkdir(checkDir, { recursive: true });
    const files = await Promise.all(
      blocks.map(async (block, index) => {
        const file = join(checkDir, `block${index}.mts`);
        await writeFile(file, block.code);
        return file;
      }),
    );
    await writeFile(
      join(checkDir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'es2022',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          lib: ['es2024'],
          types: ['node'],
          typeRoots: [join(repoRoot, 'node_modules/@types')],
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          allowImportingTsExtensions: true,
          paths: { '@sluice/sdk': [join(repoRoot, 'packages/sdk/src/index.ts')] },
        },
        files,
      }),
    );
    const check = spawn(
      process.execPath,
      [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', checkDir],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    check.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const code = await new Promise<number | null>((resolve) => check.once('exit', resolve));
    expect(output).toBe('');
    expect(code).toBe(0);
  });

  it('the webhook receiver accepts a signed event and refuses a forged one', async () => {
    const [block] = (await readmeBlocks('packages/sdk/README.md', 'Verify webhooks')).filter(
      (b) => b.lang === 'ts',
    );
    const script = await saveBlock(dir, 'receiver.ts', block!.code);
    const port = await freePort();
    const secret = 'whsec_readme_receiver';
    const receiver = run(script, { PORT: String(port), SLUICE_WEBHOOK_SECRET: secret });
    try {
      const body = JSON.stringify({ id: 'evt_readme', object: 'event', type: 'payment.captured', data: {} });
      const post = (signature: string) =>
        fetch(`http://127.0.0.1:${port}/webhooks`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'sluice-signature': signature },
          body,
        });
      const now = Math.floor(Date.now() / 1000);
      await expect
        .poll(
          async () => (await post(await signPayload(body, [secret], now)).catch(() => undefined))?.status,
          {
            timeout: 15_000,
          },
        )
        .toBe(200);
      expect((await post(await signPayload(body, ['whsec_forger'], now))).status).toBe(400);
      expect((await post(await signPayload(body, [secret], now - 3600))).status).toBe(400);
      expect(receiver.output().stdout).toContain('payment.captured evt_readme');
    } finally {
      receiver.child.kill('SIGTERM');
      await receiver.exited;
    }
  });
});
