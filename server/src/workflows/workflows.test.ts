import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

type AslValidator = (definition: unknown) => { isValid: boolean; errorsText: (separator?: string) => string };
const validateAsl = createRequire(import.meta.url)('asl-validator') as AslValidator;

const directory = new URL('./', import.meta.url);
const files = readdirSync(directory).filter((name) => name.endsWith('.asl.json'));

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every object in the definition, with the path that reaches it. */
function* objects(value: Json, path = '$'): Generator<[string, Record<string, Json>]> {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) yield* objects(item, `${path}[${index}]`);
  } else if (value !== null && typeof value === 'object') {
    yield [path, value];
    for (const [key, item] of Object.entries(value)) yield* objects(item, `${path}.${key}`);
  }
}

/**
 * The ASL files run unchanged on aws-local-stepfunctions and on Step Functions, so they keep to
 * what both support: JSONPath only (no JSONata, no `Assign` variables) and no task tokens; and
 * every Task is bounded and retried, since a hung or flaky task must not stall settlement.
 */
describe.each(files)('%s', (file) => {
  const definition = JSON.parse(readFileSync(new URL(file, directory), 'utf8')) as Json;

  it('is valid Amazon States Language', () => {
    const result = validateAsl(definition);
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('uses neither JSONata, Assign nor .waitForTaskToken', () => {
    for (const [path, object] of objects(definition)) {
      expect(object.QueryLanguage ?? 'JSONPath', `${path}.QueryLanguage`).toBe('JSONPath');
      expect(object, path).not.toHaveProperty('Assign');
      expect(object, path).not.toHaveProperty('Arguments');
      expect(object, path).not.toHaveProperty('Output');
      if (typeof object.Resource === 'string')
        expect(object.Resource, `${path}.Resource`).not.toContain('.waitForTaskToken');
    }
    expect(JSON.stringify(definition)).not.toMatch(/\{%/);
  });

  it('gives every Task a timeout and a retry', () => {
    const tasks = [...objects(definition)].filter(([, object]) => object.Type === 'Task');
    expect(tasks.length).toBeGreaterThan(0);
    for (const [path, task] of tasks) {
      expect(task.TimeoutSeconds, `${path}.TimeoutSeconds`).toEqual(expect.any(Number));
      expect(Array.isArray(task.Retry) && task.Retry.length > 0, `${path}.Retry`).toBe(true);
    }
  });
});
