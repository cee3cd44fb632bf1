import type { TestProject } from 'vitest/node';
import { startDynamoLocal } from './dynamodb-local.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Endpoint of the DynamoDB Local shared by the whole run (see test/dynamodb-local.ts). */
    dynamoEndpoint: string;
  }
}

/**
 * One DynamoDB Local for the whole run: starting a JVM per test file would cost seconds each.
 * Test files isolate themselves by creating tables with random names.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dynamo = await startDynamoLocal();
  project.provide('dynamoEndpoint', dynamo.endpoint);
  return () => dynamo.stop();
}
