/**
 * Bundles every Lambda function of `lambdaFunctions` the way the CDK app should (esbuild: node24,
 * ESM, minified, ES module builds preferred, everything inlined including the AWS SDK), prints each bundle's size minified and
 * gzipped, fails if the HTTP API bundle passes its 1.5 MB budget, and estimates cold start by
 * loading each bundle in fresh `node` processes with a fake environment: the time to import the
 * module, which in Lambda (`AWS_LAMBDA_FUNCTION_NAME` set) also builds the platform and, for the
 * HTTP API, the app. No network is involved: SDK clients connect on first use.
 *
 * Usage: node bench/lambda-bundles.ts [--runs N]   (bundles land in .tmp/lambda-bundles/)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { fakeFunctionEnvironment } from '../test/aws-environment.ts';
import {
  awsEnvironment,
  lambdaFunctions,
  type LambdaFunctionSpec,
} from '../server/src/runtime/aws/functions.ts';

const root = resolve(import.meta.dirname, '..');
const outDir = join(root, '.tmp', 'lambda-bundles');
/** The HTTP API bundle's budget, minified: 1.5 MB (decimal megabytes, the stricter reading). */
export const httpBundleBudgetBytes = 1_500_000;

/** ESM bundles have no `require`; bundled CommonJS dependencies (the AWS SDK's) still call it. */
const requireBanner =
  "import { createRequire as __sluiceCreateRequire } from 'node:module'; const require = __sluiceCreateRequire(import.meta.url);";

/** What a deployed function sees, with made-up values, plus the variables Lambda itself sets. */
const fakeEnvironment: Record<string, string> = {
  ...fakeFunctionEnvironment('bench'),
  AWS_LAMBDA_FUNCTION_NAME: 'sluice-bench',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
};

interface Bundle {
  entry: string;
  file: string;
  bytes: number;
  gzipBytes: number;
  functions: LambdaFunctionSpec[];
}

/** Bundles each distinct entry once: functions sharing an entry (the WebSocket routes) share a bundle. */
async function bundleAll(): Promise<Bundle[]> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const byEntry = new Map<string, LambdaFunctionSpec[]>();
  for (const fn of lambdaFunctions) byEntry.set(fn.entry, [...(byEntry.get(fn.entry) ?? []), fn]);
  const bundles: Bundle[] = [];
  for (const [entry, functions] of byEntry) {
    const file = join(outDir, `${basename(entry, '.ts')}.mjs`);
    await build({
      entryPoints: [join(root, entry)],
      outfile: file,
      bundle: true,
      platform: 'node',
      target: 'node24',
      format: 'esm',
      minify: true,
      // The packages' ES module builds first: esbuild tree-shakes those, while the AWS SDK's
      // CommonJS builds pull in every command of a client (a third of the HTTP bundle).
      mainFields: ['module', 'main'],
      legalComments: 'none',
      banner: { js: requireBanner },
      logLevel: 'warning',
    });
    const code = readFileSync(file);
    bundles.push({
      entry,
      file,
      bytes: code.length,
      gzipBytes: gzipSync(code, { level: 9 }).length,
      functions,
    });
  }
  return bundles;
}

/** One fresh process: ms to import the bundle (building the platform), and the process's whole life. */
function coldStart(bundle: Bundle): { importMs: number; processMs: number } {
  const handlers = [...new Set(bundle.functions.map((fn) => fn.handler))];
  const script = `
    const started = performance.now();
    const module = await import(${JSON.stringify(pathToFileURL(bundle.file).href)});
    const importMs = performance.now() - started;
    for (const name of ${JSON.stringify(handlers)}) if (typeof module[name] !== 'function') throw new Error('no handler ' + name);
    process.stdout.write(JSON.stringify({ importMs }));
  `;
  const begun = performance.now();
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH ?? '', ...fakeEnvironment, ...subscriptionEnvironment(bundle) },
    encoding: 'utf8',
  });
  const processMs = performance.now() - begun;
  if (child.status !== 0) throw new Error(`loading ${bundle.file} failed:\n${child.stderr}`);
  const lastLine = child.stdout.trim().split('\n').at(-1) ?? '';
  return { importMs: (JSON.parse(lastLine) as { importMs: number }).importMs, processMs };
}

/** The trigger-specific variables the function's own environment would hold. */
function subscriptionEnvironment(bundle: Bundle): Record<string, string> {
  const trigger = bundle.functions[0]!.trigger;
  if (trigger.type === 'event-subscription') return { [awsEnvironment.subscription]: trigger.subscription };
  if (trigger.type === 'queue') return { [awsEnvironment.queue]: trigger.queue };
  return {};
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function emptyProcessMs(): number {
  const begun = performance.now();
  execFileSync(process.execPath, ['--input-type=module', '-e', '']);
  return performance.now() - begun;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

async function main(): Promise<void> {
  const runsIndex = process.argv.indexOf('--runs');
  const runs = runsIndex >= 0 ? Number(process.argv[runsIndex + 1]) : 5;
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs wants a positive integer');

  const bundles = await bundleAll();
  const baseline = median(Array.from({ length: runs }, emptyProcessMs));
  console.log(
    `node ${process.version}; ${runs} fresh processes per bundle; an empty node process takes ${baseline.toFixed(0)} ms (median)\n`,
  );
  console.log(['bundle', 'functions', 'minified', 'gzip', 'import+init ms', 'process ms'].join('\t'));
  for (const bundle of bundles) {
    const samples = Array.from({ length: runs }, () => coldStart(bundle));
    console.log(
      [
        basename(bundle.file),
        bundle.functions.map((fn) => fn.id).join(','),
        `${bundle.bytes} B (${kb(bundle.bytes)})`,
        `${bundle.gzipBytes} B (${kb(bundle.gzipBytes)})`,
        median(samples.map((s) => s.importMs)).toFixed(0),
        median(samples.map((s) => s.processMs)).toFixed(0),
      ].join('\t'),
    );
  }

  const http = bundles.find((bundle) => bundle.functions.some((fn) => fn.trigger.type === 'http-api'));
  if (!http) throw new Error('no HTTP API function in lambdaFunctions');
  const verdict = http.bytes < httpBundleBudgetBytes ? 'within' : 'OVER';
  console.log(
    `\nHTTP API bundle: ${http.bytes} B minified, ${verdict} the ${httpBundleBudgetBytes} B budget`,
  );
  if (http.bytes >= httpBundleBudgetBytes) process.exitCode = 1;
}

await main();
