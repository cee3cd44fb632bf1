/**
 * The writer thread of a file-backed `SqliteStore`: it owns the connection that writes, applies
 * each batch the store posts and answers with the outcomes once the batch's COMMIT (and its
 * fsync) is done. Meanwhile the main thread goes on serving requests and collecting the next
 * batch, so the disk work of one batch overlaps the CPU work of the next.
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { WriteOperation } from '../../platform/store.ts';
import { openSqlite, reclaimFreePages, SqliteWriter, type TransactionOutcome } from './sqlite-writer.ts';

export type WriterRequest =
  | { type: 'batch'; id: number; batch: WriteOperation[][] }
  /** Frees up to `pages` free pages, keeping `keepFree` (`reclaimFreePages`), between two commits. */
  | { type: 'vacuum'; id: number; pages: number; keepFree: number }
  | { type: 'close' };
export type WriterResponse =
  | { type: 'batch'; id: number; outcomes: TransactionOutcome[] }
  | { type: 'batch'; id: number; error: string }
  | { type: 'vacuum'; id: number; freed: number }
  | { type: 'vacuum'; id: number; error: string }
  | { type: 'closed' };

export interface WriterData {
  path: string;
  /** Stop gathering waiting batches once this many transactions are in hand. */
  commitGroup: number;
  /** The WAL size, in pages, at which this connection checkpoints (a backstop: see the checkpointer thread). */
  autoCheckpointPages: number;
}

const port = parentPort!;
const { path, commitGroup, autoCheckpointPages } = workerData as WriterData;
const db = openSqlite(path);
db.exec(`PRAGMA wal_autocheckpoint = ${Math.floor(autoCheckpointPages)}`);
const writer = new SqliteWriter(db);

/**
 * The batches waiting when the writer comes round are committed together, up to a commit
 * group's worth of transactions: the batches the main thread posted while the previous COMMIT
 * ran share one COMMIT (and one fsync). The rest wait for the next round, in order. Answers go
 * out per batch, in the order the batches came.
 */
port.on('message', (first: WriterRequest) => {
  const requests = [first];
  let transactions = first.type === 'batch' ? first.batch.length : 0;
  while (transactions < commitGroup) {
    const next = receiveMessageOnPort(port)?.message as WriterRequest | undefined;
    if (!next) break;
    requests.push(next);
    if (next.type === 'batch') transactions += next.batch.length;
  }
  const batches = requests.filter((request) => request.type === 'batch');
  if (batches.length > 0) {
    try {
      const outcomes = writer.applyBatch(batches.flatMap((request) => request.batch));
      let offset = 0;
      for (const request of batches) {
        port.postMessage({
          type: 'batch',
          id: request.id,
          outcomes: outcomes.slice(offset, offset + request.batch.length),
        } satisfies WriterResponse);
        offset += request.batch.length;
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      for (const request of batches)
        port.postMessage({ type: 'batch', id: request.id, error: message } satisfies WriterResponse);
    }
  }
  for (const request of requests) {
    if (request.type !== 'vacuum') continue;
    try {
      const freed = reclaimFreePages(db, request.pages, request.keepFree);
      port.postMessage({ type: 'vacuum', id: request.id, freed } satisfies WriterResponse);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      port.postMessage({ type: 'vacuum', id: request.id, error: message } satisfies WriterResponse);
    }
  }
  if (requests.some((request) => request.type === 'close')) {
    db.close();
    port.postMessage({ type: 'closed' } satisfies WriterResponse);
    port.close();
  }
});
