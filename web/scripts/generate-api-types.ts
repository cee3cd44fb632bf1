/**
 * Generates the dashboard's API types and constants from the server's own OpenAPI document:
 *
 * - `web/src/api/schema.gen.ts`: every path and schema, by openapi-typescript;
 * - `web/src/api/catalog.gen.ts`: the values the dashboard needs at run time (webhook event
 *   types, statuses, test cards, currency exponents, limits), read from the same document.
 *
 * The document is built in process from `createApp` on an in-memory store: no server runs.
 * `npm run generate:api` writes both files; `npm run generate:api -- --check` only compares them,
 * as test/web-api-types.test.ts does.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
// The one import of the HTTP app's factory: when it moves, change this line only.
import { createApp } from '../../server/src/app/create-app.ts';
import { createLocalIdentity } from '../../server/src/identity/index.ts';
import { ManualClock } from '../../server/src/kernel/clock.ts';
import { defaultConfig } from '../../server/src/platform/config.ts';
import { silentLogger } from '../../server/src/platform/logger.ts';
import { SqliteStore } from '../../server/src/runtime/local/sqlite-store.ts';
import { StoreQueue } from '../../server/src/runtime/local/store-queue.ts';

export const generateCommand = 'npm run generate:api';

/** The generated files, by path from the repository root. */
export const apiFiles = {
  schema: 'web/src/api/schema.gen.ts',
  catalog: 'web/src/api/catalog.gen.ts',
} as const;

const repositoryRoot = new URL('../../', import.meta.url);

/** Where a generated file lives on disk. */
export function apiFilePath(file: keyof typeof apiFiles): string {
  return fileURLToPath(new URL(apiFiles[file], repositoryRoot));
}

/** `GET /openapi.json` of the whole app, built on an in-memory store. */
export async function buildOpenApiDocument(): Promise<OpenAPI3> {
  const store = new SqliteStore(':memory:');
  try {
    const clock = new ManualClock(0);
    const identity = createLocalIdentity({ store, clock, config: defaultConfig, logger: silentLogger });
    const queue = new StoreQueue({ store, clock, logger: silentLogger });
    const app = createApp({ store, clock, config: defaultConfig, logger: silentLogger, identity, queue });
    const response = await app.request('/openapi.json');
    if (!response.ok)
      throw new Error(`GET /openapi.json answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as OpenAPI3;
  } finally {
    await store.close();
  }
}

const header = (what: string) =>
  [
    `// ${what}`,
    `// GENERATED from the API's OpenAPI document by \`${generateCommand}\` (web/scripts/generate-api-types.ts).`,
    "// Do not edit: change the server's schemas and run the command again.",
    '',
  ].join('\n');

/** The contents of every generated file, by key of `apiFiles`. */
export async function renderApiFiles(document: OpenAPI3): Promise<Record<keyof typeof apiFiles, string>> {
  // A default makes a request field optional, not a response field present: the routes'
  // schemas mark what a response always carries as required.
  const schema = astToString(await openapiTS(document, { defaultNonNullable: false }));
  return {
    schema: `${header('Types of every path and schema of the Sluice API.')}\n${schema}`,
    catalog: `${header('Values of the Sluice API the dashboard needs at run time.')}\n${renderCatalog(document)}`,
  };
}

/** Builds the document and renders the files, without writing anything. */
export async function generateApiFiles(): Promise<Record<keyof typeof apiFiles, string>> {
  return renderApiFiles(await buildOpenApiDocument());
}

// --- the catalog: values read from the document ------------------------------------------

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads schemas out of the document, following `$ref`s, and names the path that is missing. */
class DocumentReader {
  readonly #document: JsonObject;

  constructor(document: OpenAPI3) {
    this.#document = document as unknown as JsonObject;
  }

  /** `components.schemas.<name>`, then down `path`: property names, or `items` for an array's. */
  schema(name: string, ...path: string[]): JsonObject {
    let where = `components.schemas.${name}`;
    let node = this.#schemaAt(this.#follow(`#/components/schemas/${name}`), where);
    for (const key of path) {
      const parent = key === 'items' ? node : this.#schemaAt(node.properties, `${where}.properties`);
      where += key === 'items' ? '.items' : `.properties.${key}`;
      node = this.#schemaAt(parent[key], where);
    }
    return node;
  }

  /** The string values a schema allows: its `enum`, or every member's of an `anyOf`/`oneOf`. */
  strings(schema: JsonObject, where: string): string[] {
    if (Array.isArray(schema.enum))
      return schema.enum.filter((value): value is string => typeof value === 'string');
    const members = schema.anyOf ?? schema.oneOf;
    if (Array.isArray(members))
      return members.flatMap((member) => this.strings(this.#schemaAt(member, where), where));
    throw new Error(`the OpenAPI document's ${where} has no enum of strings`);
  }

  #schemaAt(node: Json | undefined, where: string): JsonObject {
    const seen = new Set<string>();
    while (isObject(node) && typeof node.$ref === 'string') {
      if (seen.has(node.$ref)) throw new Error(`the OpenAPI document's ${where} is a $ref cycle`);
      seen.add(node.$ref);
      node = this.#follow(node.$ref);
    }
    if (!isObject(node)) throw new Error(`the OpenAPI document has no schema at ${where}`);
    return node;
  }

  /** A local `$ref` (`#/components/schemas/Payment`), or undefined. */
  #follow(ref: string): Json | undefined {
    if (!ref.startsWith('#/')) return undefined;
    return ref
      .slice(2)
      .split('/')
      .reduce<Json | undefined>((at, key) => (isObject(at) ? at[key] : undefined), this.#document);
  }
}

interface Constant {
  name: string;
  doc: string;
  value: Json;
  /** A generated type the value must satisfy, so a mismatch with schema.gen.ts fails to compile. */
  satisfies?: string;
}

/** The run-time values, read from the document: each one names where it comes from. */
export function catalogConstants(document: OpenAPI3): Constant[] {
  const doc = new DocumentReader(document);
  const schemas = (name: string) => `components['schemas']['${name}']`;
  const eventTypes = doc
    .strings(doc.schema('CreateWebhookEndpoint', 'events', 'items'), 'CreateWebhookEndpoint.events')
    .filter((type) => type !== '*');
  const currency = doc.schema('CreatePayment', 'currency');
  const exponents = currency['x-exponents'];
  if (!isObject(exponents))
    throw new Error("the OpenAPI document's CreatePayment.currency has no x-exponents");
  const testCards = doc.schema('CardInput', 'number')['x-test-cards'];
  if (!Array.isArray(testCards))
    throw new Error("the OpenAPI document's CardInput.number has no x-test-cards");
  const number = (schema: JsonObject, key: string, where: string) => {
    const value = schema[key];
    if (typeof value !== 'number') throw new Error(`the OpenAPI document's ${where} has no ${key}`);
    return value;
  };
  return [
    {
      name: 'webhookEventTypes',
      doc: 'The event types a webhook endpoint can subscribe to (`CreateWebhookEndpoint.events`; `*` means all).',
      value: eventTypes,
      satisfies: `readonly Exclude<${schemas('CreateWebhookEndpoint')}['events'][number], '*'>[]`,
    },
    {
      name: 'paymentStatuses',
      doc: 'Every `Payment.status`.',
      value: doc.strings(doc.schema('Payment', 'status'), 'Payment.status'),
      satisfies: `readonly ${schemas('Payment')}['status'][]`,
    },
    {
      name: 'disputeStatuses',
      doc: 'Every `Dispute.status`.',
      value: doc.strings(doc.schema('Dispute', 'status'), 'Dispute.status'),
      satisfies: `readonly ${schemas('Dispute')}['status'][]`,
    },
    {
      name: 'disputeReasons',
      doc: 'The reasons a test dispute can be opened with (`OpenDispute.reason`).',
      value: doc.strings(doc.schema('OpenDispute', 'reason'), 'OpenDispute.reason'),
      satisfies: `readonly NonNullable<${schemas('OpenDispute')}['reason']>[]`,
    },
    {
      name: 'currencyExponents',
      doc: 'Minor-unit exponents of the currencies the API takes (`Currency`, `x-exponents`): USD 2, JPY 0.',
      value: exponents,
      satisfies: `Record<${schemas('Currency')}, number>`,
    },
    {
      name: 'testCards',
      doc: "The sandbox's test card numbers and their outcomes (`CardInput.number`, `x-test-cards`); any other valid number succeeds.",
      value: testCards,
      satisfies:
        'readonly { number: string; outcome: string; decline_code: string | null; description: string }[]',
    },
    {
      name: 'maxAmount',
      doc: 'The largest amount the API takes, in minor units (`CreatePayment.amount`, `maximum`).',
      value: number(doc.schema('CreatePayment', 'amount'), 'maximum', 'CreatePayment.amount'),
    },
    {
      name: 'disputeEvidenceMaxLength',
      doc: 'The longest dispute evidence text (`DisputeEvidence.text`, `maxLength`).',
      value: number(doc.schema('DisputeEvidence', 'text'), 'maxLength', 'DisputeEvidence.text'),
    },
  ];
}

function renderCatalog(document: OpenAPI3): string {
  const constants = catalogConstants(document);
  const usesSchemas = constants.some((constant) => constant.satisfies?.includes('components'));
  const lines = usesSchemas ? ["import type { components } from './schema.gen.ts';", ''] : [];
  for (const constant of constants) {
    const value = JSON.stringify(constant.value, null, 2);
    const suffix = typeof constant.value === 'object' && constant.value !== null ? ' as const' : '';
    lines.push(`/** ${constant.doc} */`);
    lines.push(
      `export const ${constant.name} = ${value}${suffix}${constant.satisfies ? ` satisfies ${constant.satisfies}` : ''};`,
      '',
    );
  }
  return lines.join('\n');
}

const fileKeys = Object.keys(apiFiles) as Array<keyof typeof apiFiles>;

/**
 * What is wrong with the committed files, one message per stale or missing file; empty when
 * they match what the document generates now.
 */
export async function staleApiFiles(): Promise<string[]> {
  const files = await generateApiFiles();
  const problems: string[] = [];
  for (const file of fileKeys) {
    const committed = await readFile(apiFilePath(file), 'utf8').catch(() => undefined);
    if (committed === undefined) problems.push(`${apiFiles[file]} is missing: run ${generateCommand}`);
    else if (committed !== files[file])
      problems.push(
        `${apiFiles[file]} is stale (${firstDifference(committed, files[file])}): run ${generateCommand}`,
      );
  }
  return problems;
}

/** Where two texts first differ, as a line number and that line of each. */
function firstDifference(committed: string, generated: string): string {
  const before = committed.split('\n');
  const after = generated.split('\n');
  const index = before.findIndex((line, i) => line !== after[i]);
  const line = index === -1 ? before.length : index;
  return `line ${line + 1}: committed ${JSON.stringify(before[line] ?? '<end of file>')}, generated ${JSON.stringify(after[line] ?? '<end of file>')}`;
}

async function main(): Promise<void> {
  if (process.argv.includes('--check')) {
    const problems = await staleApiFiles();
    for (const problem of problems) console.error(problem);
    process.exitCode = problems.length > 0 ? 1 : 0;
    return;
  }
  const files = await generateApiFiles();
  for (const file of fileKeys) {
    await writeFile(apiFilePath(file), files[file]);
    console.log(`wrote ${apiFiles[file]}`);
  }
}

if (import.meta.main) await main();
