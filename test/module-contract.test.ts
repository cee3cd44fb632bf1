import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRoute, z } from '@hono/zod-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../server/src/app/create-app.ts';
import { modules } from '../server/src/app/modules.ts';
import { bearerSecurity, createRouter, jsonResponse } from '../server/src/http/openapi.ts';
import { createLocalIdentity } from '../server/src/identity/index.ts';
import { ManualClock } from '../server/src/kernel/clock.ts';
import { defineErrors, errorTypes } from '../server/src/kernel/errors.ts';
import { createEvent } from '../server/src/kernel/events.ts';
import { defineIds } from '../server/src/kernel/ids.ts';
import { defaultConfig } from '../server/src/platform/config.ts';
import { silentLogger } from '../server/src/platform/logger.ts';
import { defineModule } from '../server/src/platform/module.ts';
import { lambdaFunctionsOf } from '../server/src/runtime/aws/functions.ts';
import { createLocalPlatform, type LocalPlatform } from '../server/src/runtime/local/platform.ts';
import { SqliteStore } from '../server/src/runtime/local/sqlite-store.ts';
import { StoreQueue } from '../server/src/runtime/local/store-queue.ts';
import { resourcesOf, synthesizeStage } from '../infra/test/synth.ts';

/**
 * What a new product costs: the fixture below is a whole module, defined in this file alone, and
 * the one line that follows registers it. Every place the app is assembled — the HTTP app and
 * its OpenAPI document, the local bus and scheduler, the CDK template, the webhook catalogue —
 * picks it up from that list, with no other file touched.
 */
const greetingErrors = defineErrors({ greeting_too_loud: { status: 422, type: errorTypes.invalid_request } });
const greetingIds = defineIds({ greeting: 'grt' });
const heard: string[] = [];
const greetingsModule = defineModule({
  name: 'greetings',
  http: {
    paths: [{ prefix: '/v1/greetings', auth: 'user' }],
    routes: () => {
      const app = createRouter();
      app.openapi(
        createRoute({
          method: 'get',
          path: '/v1/greetings',
          tags: ['Greetings'],
          security: bearerSecurity,
          summary: 'A greeting for the caller',
          responses: { 200: jsonResponse(z.object({ id: z.string(), to: z.string() }), 'A greeting') },
        }),
        (c) => c.json({ id: greetingIds.newId('greeting'), to: c.var.principal.userId }, 200),
      );
      app.post('/v1/greetings/shout', () => {
        throw greetingErrors.error('greeting_too_loud', 'please greet more quietly', { param: 'volume' });
      });
      return app;
    },
  },
  subscriptions: [
    {
      name: 'greetings.welcome',
      pattern: { type: ['user.signed_up'] },
      handler: () => async (event) => void heard.push(event.subject),
    },
  ],
  jobs: [
    {
      name: 'greetings.morning',
      cron: '0 9 * * *',
      description: 'Says good morning',
      run: async () => 'good morning',
    },
  ],
  events: ['greeting.sent'],
  webhookEvents: ['greeting.sent'],
  errors: greetingErrors.table,
  ids: greetingIds.prefixes,
  keys: ['GREETING#*'],
});

const withGreetings = [...modules, greetingsModule];

describe('a new module registered by one line', () => {
  const store = new SqliteStore(':memory:');
  const clock = new ManualClock(Date.UTC(2026, 0, 15, 12, 0, 0));
  const config = { ...defaultConfig, adminEmails: [] };
  const identity = createLocalIdentity({ store, clock, config, logger: silentLogger });
  const app = createApp({
    store,
    clock,
    config,
    logger: silentLogger,
    identity,
    queue: new StoreQueue({ store, clock, logger: silentLogger }),
    modules: withGreetings,
  });

  afterAll(() => store.close());

  it('serves its routes behind the authentication its paths ask for, and its own error codes', async () => {
    expect((await app.request('/v1/greetings')).status).toBe(401);
    const { access_token, user } = await identity.signUp({
      email: 'greeted@example.com',
      password: 'correct horse battery',
      name: 'Greeted',
    });
    const response = await app.request('/v1/greetings', {
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { id: string; to: string };
    expect(body.to).toBe(user.id);
    expect(greetingIds.isId('greeting', body.id)).toBe(true);
    const shout = await app.request('/v1/greetings/shout', {
      method: 'POST',
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect(shout.status).toBe(422);
    expect(((await shout.json()) as { error: Record<string, unknown> }).error).toMatchObject({
      type: 'invalid_request_error',
      code: 'greeting_too_loud',
      param: 'volume',
    });
  });

  it('appears in the OpenAPI document, and its events in the webhook catalogue', async () => {
    const document = (await (await app.request('/openapi.json')).json()) as {
      paths: Record<string, unknown>;
      components: {
        schemas: Record<
          string,
          { properties: Record<string, { items: { anyOf: Array<{ enum?: string[] }> } }> }
        >;
      };
    };
    expect(Object.keys(document.paths)).toContain('/v1/greetings');
    const offered = document.components.schemas.CreateWebhookEndpoint!.properties.events!.items.anyOf.flatMap(
      (option) => option.enum ?? [],
    );
    expect(offered).toContain('greeting.sent');
    expect(offered).toContain('payment.captured');
  });

  it('is left out of the app that does not list it', async () => {
    const plain = createApp({
      store,
      clock,
      config,
      logger: silentLogger,
      identity,
      queue: new StoreQueue({ store, clock, logger: silentLogger }),
    });
    const document = (await (await plain.request('/openapi.json')).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(document.paths)).not.toContain('/v1/greetings');
  });
});

describe('a new module in the local runtime', () => {
  let dataDir: string;
  let platform: LocalPlatform;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sluice-module-'));
    platform = await createLocalPlatform({
      dataDir,
      store: 'sqlite',
      sqliteWriter: 'inline',
      logger: silentLogger,
      modules: withGreetings,
    });
  });

  afterAll(async () => {
    await platform.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('gets its subscription on the bus and its job in the scheduler', async () => {
    const event = createEvent({
      type: 'user.signed_up',
      source: 'sluice.identity',
      subject: 'usr_greeted',
      data: {},
      now: Date.now(),
    });
    const [delivery] = (await platform.bus.publish([event])).deliveries;
    expect(delivery?.delivered).toContain('greetings.welcome');
    expect(heard).toContain('usr_greeted');
    platform.startWorkers();
    const next = platform.scheduler.nextRuns()['greetings.morning'];
    expect(next?.getUTCHours()).toBe(9);
    expect(next?.getUTCMinutes()).toBe(0);
  });
});

describe('a new module on AWS', () => {
  const { template } = synthesizeStage('dev', withGreetings);

  it('gets a rule, a queue and a function for its subscription, and a scheduled function for its job', () => {
    const rules = resourcesOf(template, 'AWS::Events::Rule').map(([, rule]) => rule.Properties!);
    expect(rules.find((rule) => rule.Name === 'sluice-dev-events-greetings-welcome')?.EventPattern).toEqual({
      detail: { type: ['user.signed_up'] },
    });
    // Sluice's functions are named; CDK's provider of the deploy's migration trigger is not.
    const names = resourcesOf(template, 'AWS::Lambda::Function')
      .map(([, fn]) => fn.Properties?.FunctionName)
      .filter((name) => name !== undefined);
    expect(names).toEqual(
      expect.arrayContaining(['sluice-dev-events-greetings-welcome', 'sluice-dev-job-greetings-morning']),
    );
    expect(names).toHaveLength(lambdaFunctionsOf(withGreetings).length);
    const schedules = resourcesOf(template, 'AWS::Scheduler::Schedule').map(
      ([, schedule]) => schedule.Properties!,
    );
    expect(
      schedules.find((schedule) => schedule.Name === 'sluice-dev-job-greetings-morning')?.ScheduleExpression,
    ).toBe('cron(0 9 * * ? *)');
  });
});
