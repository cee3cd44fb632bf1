import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/app-harness.ts';
import { operationIdOf, securityOf } from './openapi.ts';

interface Operation {
  operationId?: string;
  security?: Array<Record<string, string[]>>;
  responses: Record<string, { content?: Record<string, { examples?: Record<string, unknown> }> }>;
}
interface Document {
  info: { description: string };
  servers: Array<{ url: string }>;
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, { scheme: string; bearerFormat?: string }> };
}

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

describe('the served OpenAPI document', () => {
  let document: Document;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-openapi-'));
    const { app } = createTestApp();
    const response = await app.request('https://api.sluice.dev/openapi.json');
    document = (await response.json()) as Document;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const operations = () =>
    Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
    );

  it('declares the two credentials, a user JWT and a merchant API key', () => {
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(['apiKey', 'userToken']);
    expect(document.components.securitySchemes.userToken).toMatchObject({
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
    expect(document.components.securitySchemes.apiKey!.bearerFormat).not.toBe('JWT');
  });

  it("marks each operation with the credentials its path's module declares", () => {
    const security = (path: string, method: string) => document.paths[path]![method]!.security;
    expect(security('/v1/payments', 'post')).toEqual([{ apiKey: [] }, { userToken: [] }]);
    expect(security('/v1/events/{id}', 'get')).toEqual([{ apiKey: [] }, { userToken: [] }]);
    expect(security('/v1/transfers', 'post')).toEqual([{ userToken: [] }]);
    expect(security('/v1/admin/audit', 'get')).toEqual([{ userToken: [] }]);
    expect(security('/v1/auth/login', 'post')).toEqual([]);
    expect(security('/health', 'get')).toEqual([]);
    expect(security('/v1/metrics', 'get')).toEqual(securityOf('merchant'));
    for (const { path, method, operation } of operations())
      expect(operation.security, `${method} ${path}`).toBeDefined();
  });

  it('gives every operation a unique camelCase operationId from its method and path', () => {
    const ids = operations().map(({ operation }) => operation.operationId);
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z0-9]*$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(document.paths['/v1/payments/{id}']!.get!.operationId).toBe('getPaymentsById');
    expect(operationIdOf('post', '/v1/webhook-endpoints/{id}/rotate-secret')).toBe(
      'postWebhookEndpointsByIdRotateSecret',
    );
  });

  it('names its server, introduces credentials, idempotency, pagination and errors, and shows error examples', () => {
    expect(document.servers).toEqual([{ url: 'https://api.sluice.dev', description: 'This installation' }]);
    for (const heading of ['Credentials', 'Idempotency', 'Pagination', 'Errors', 'Test cards', 'Webhooks'])
      expect(document.info.description).toContain(`## ${heading}`);
    const declined =
      document.paths['/v1/payments']!.post!.responses['402']!.content!['application/json']!.examples!;
    expect(Object.keys(declined)).toEqual(['card_declined', 'insufficient_funds']);
    const short =
      document.paths['/v1/transfers']!.post!.responses['402']!.content!['application/json']!.examples!;
    expect(Object.keys(short)).toEqual(['insufficient_funds']);
  });

  it('passes Redocly CLI lint with the recommended rules and no errors', async () => {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const cli = createRequire(import.meta.url).resolve('@redocly/cli/bin/cli.js');
    const run = promisify(execFile);
    // redocly.yaml at the repository root extends `recommended` and says why it turns a rule off.
    const result = await run(process.execPath, [cli, 'lint', file, '--format=json'], {
      cwd: repositoryRoot,
      maxBuffer: 20 * 1024 * 1024,
    }).catch((error: { stdout: string; stderr: string }) => error);
    const report = JSON.parse(result.stdout) as {
      totals: { errors: number; warnings: number };
      problems: Array<{ ruleId: string; severity: string; location: Array<{ pointer: string }> }>;
    };
    expect(report.problems.filter((problem) => problem.severity === 'error')).toEqual([]);
    // The two warnings left: liveness and the JWKS answer no client error, so they list no 4xx.
    expect(
      report.problems.map((problem) => `${problem.ruleId} ${problem.location[0]?.pointer}`).sort(),
    ).toEqual([
      'operation-4xx-response #/paths/~1.well-known~1jwks.json/get/responses',
      'operation-4xx-response #/paths/~1health/get/responses',
    ]);
  }, 60_000);
});
