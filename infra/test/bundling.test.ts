import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { lambdaFunctions } from '../../server/src/runtime/aws/functions.ts';
import { fakeFunctionEnvironment } from '../../test/aws-environment.ts';
import { buildSluiceApp } from '../lib/app.ts';
import { cdkJsonContext } from './synth.ts';

/**
 * One real synth: every function bundled by local esbuild (no Docker), as `cdk synth` does, and
 * every bundle loaded on this Node to prove it is valid ESM exporting the handler functions.ts
 * names. Loading runs no handler: the platform builds itself only inside Lambda.
 */
describe('the function bundles', () => {
  it('are built with local esbuild and export their handlers', async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'sluice-bundle-'));
    onTestFinished(() => rmSync(outdir, { recursive: true, force: true }));
    const { app } = buildSluiceApp({ outdir, context: { ...cdkJsonContext, stage: 'dev' } });
    app.synth();
    // The main stack's template and its module stacks' (written beside it as assets).
    const nested = readdirSync(outdir).filter((file) => file.endsWith('.nested.template.json'));
    expect(nested.length).toBeGreaterThan(0);
    const templates = ['Sluice-dev.template.json', ...nested].map(
      (file) =>
        JSON.parse(readFileSync(join(outdir, file), 'utf8')) as {
          Resources: Record<
            string,
            { Type: string; Properties: { FunctionName: string; Handler: string; Code: { S3Key: string } } }
          >;
        },
    );
    // Ours are named; the unnamed one is CDK's provider of the deploy trigger, prebuilt by CDK.
    const functions = templates
      .flatMap((template) => Object.values(template.Resources))
      .filter(
        (resource) =>
          resource.Type === 'AWS::Lambda::Function' && resource.Properties.FunctionName !== undefined,
      );
    expect(functions).toHaveLength(lambdaFunctions.length);
    for (const resource of functions) {
      // The asset's S3 key is `<hash>.zip`; its staged directory `asset.<hash>`.
      const bundle = join(
        outdir,
        `asset.${resource.Properties.Code.S3Key.replace(/\.zip$/, '')}`,
        'index.mjs',
      );
      expect(readFileSync(bundle, 'utf8')).toContain('createRequire');
      const module = (await import(pathToFileURL(bundle).href)) as Record<string, unknown>;
      const [, exported] = resource.Properties.Handler.split('.');
      expect(typeof module[exported!], resource.Properties.FunctionName).toBe('function');
    }

    // The HTTP bundle serves /docs with Swagger UI's assets copied beside it (no node_modules in
    // a Lambda package): call its handler as API Gateway would, with a made-up environment.
    const http = functions.find(
      (resource) =>
        resource.Properties.Handler === 'index.handler' && /http-api/.test(resource.Properties.FunctionName),
    )!;
    expect(http).toBeDefined();
    Object.assign(process.env, fakeFunctionEnvironment('test'));
    const bundle = join(outdir, `asset.${http.Properties.Code.S3Key.replace(/\.zip$/, '')}`, 'index.mjs');
    const { handler } = (await import(pathToFileURL(bundle).href)) as {
      handler: (
        event: unknown,
        context: unknown,
      ) => Promise<{ statusCode: number; headers: Record<string, string>; body: string }>;
    };
    for (const [file, type] of [
      ['swagger-ui.css', 'text/css'],
      ['swagger-ui-bundle.js', 'text/javascript'],
    ] as const) {
      const path = `/docs/assets/swagger-ui-dist/${file}`;
      const response = await handler(
        {
          version: '2.0',
          routeKey: '$default',
          rawPath: path,
          rawQueryString: '',
          headers: { host: 'api.example.com' },
          requestContext: {
            http: { method: 'GET', path, sourceIp: '198.51.100.1' },
            domainName: 'api.example.com',
            stage: '$default',
          },
          isBase64Encoded: false,
        },
        {},
      );
      expect(response.statusCode, path).toBe(200);
      expect(response.headers['content-type'], path).toContain(type);
    }
  }, 600_000); // about 25 bundles on a shared 2-core machine
});
