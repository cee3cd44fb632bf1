/**
 * The writer thread of a file-backed `SqliteStore`: it owns the connection that writes, applies
 * each batch the store posts and answers with the outcomes once the batch's COMMIT (and its
 * fsync) is done. Meanwhile the main thread goes on serving requests and collecting the next
 * batch, so the disk work of one batch overlaps the CPU work of the next.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { WriteOperation } from '../../platform/store.ts';
import { openSqlite, SqliteWriter, type TransactionOutcome } from './sqlite-writer.ts';

export type WriterRequest = { type: 'batch'; id: number; batch: WriteOperation[][] } | { type: 'close' };
export type WriterResponse =
  | { type: 'batch'; id: number; outcomes: TransactionOutcome[] }
  | { type: 'batch'; id: number; error: string }
  | { type: 'closed' };

const port = parentPort!;
const db = openSqlite((workerData as { path: string }).path);
const writer = new SqliteWriter(db);

port.on('message', (request: WriterRequest) => {
  if (request.type === 'close') {
    db.close();
    port.postMessage({ type: 'closed' } satisfies WriterResponse);
    port.close();
    return;
  }
  let response: WriterResponse;
  try {
    response = { type: 'batch', id: request.id, outcomes: writer.applyBatch(request.batch) };
  } catch (error) {
    response = { type: 'batch', id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(response);
});
