/**
 * The checkpointer thread of a file-backed `SqliteStore`: with its own connection, it copies the
 * pages committed to the WAL back into the database file every `intervalMs` (a PASSIVE
 * checkpoint, which never blocks the writer or the readers).
 *
 * Left to the writer, that copy (and the database file's fsync) runs inside a COMMIT every time
 * the WAL passes its auto-checkpoint size, on the thread every acknowledged write waits for:
 * replaying a transfer workload's write batches, a quarter of the writer's time. Here it runs on
 * the machine's other core. The writer keeps a large auto-checkpoint size as a backstop: it
 * finishes the copy (only the frames not yet copied) and lets the WAL start over from its
 * beginning, which a checkpoint from another connection cannot do while writes keep coming.
 */
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';

export interface CheckpointerData {
  path: string;
  intervalMs: number;
}

export type CheckpointerRequest = { type: 'close' };
export type CheckpointerResponse = { type: 'closed' };

const port = parentPort!;
const { path, intervalMs } = workerData as CheckpointerData;
const db = new DatabaseSync(path);
db.exec('PRAGMA busy_timeout = 5000');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');

const timer = setInterval(() => {
  try {
    checkpoint.get();
  } catch {
    // A busy or failed pass changes nothing; the next one (or the writer's backstop) retries.
  }
}, intervalMs);

port.on('message', (request: CheckpointerRequest) => {
  if (request.type !== 'close') return;
  clearInterval(timer);
  db.close();
  port.postMessage({ type: 'closed' } satisfies CheckpointerResponse);
  port.close();
});
