import { useBackups, type Backup, type BackupStatus } from '../../api/backups.ts';
import { useMigrations, type MigrationStatus } from '../../api/migrations.ts';
import { Card } from '../../components/ui/card.tsx';
import { ErrorState, Loading } from '../../components/ui/states.tsx';

/** Bytes as people read them: 1.2 MB, 340 KB (decimal units, as `ls -h --si` and file managers). */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

function LastBackup({ last }: { last: Backup }) {
  return (
    <>
      <p>
        Last backup <time dateTime={last.taken_at}>{new Date(last.taken_at).toLocaleString()}</time>,{' '}
        {formatBytes(last.size_bytes)}
      </p>
      <p className="mt-1 break-all text-sm text-muted-foreground">
        {last.file} <span className="font-mono">sha256 {last.sha256.slice(0, 12)}…</span>
      </p>
    </>
  );
}

function BackupSummary({ status }: { status: BackupStatus }) {
  const { last, scheduled } = status;
  return (
    <>
      {last ? (
        <LastBackup last={last} />
      ) : (
        <p>
          No backup yet. Take one with <code className="font-mono text-sm">npm run backup -- --to FILE</code>{' '}
          (the server can keep running), or set <code className="font-mono text-sm">SLUICE_BACKUP_DIR</code>{' '}
          for backups on a schedule. On AWS, AWS Backup keeps the table's backups instead.
        </p>
      )}
      <p className="mt-2 text-sm text-muted-foreground">
        {scheduled
          ? `Scheduled every ${scheduled.every_seconds} s into ${scheduled.dir}, the newest ${scheduled.keep} kept.`
          : 'No scheduled backups on this server.'}
      </p>
    </>
  );
}

function MigrationSummary({ status }: { status: MigrationStatus }) {
  return (
    <>
      <p>
        {status.applied.length} of {status.code.length} applied
        {status.pending.length === 0 ? ', none pending.' : `, ${status.pending.length} pending:`}
      </p>
      {status.pending.length > 0 ? (
        <ul className="mt-1 list-disc pl-5 text-sm">
          {status.pending.map((m) => (
            <li key={`${m.module}#${m.version}`}>
              {m.module} v{m.version}: {m.description}
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}

/** The admin's view of operations: the last backup and the migrations' state. */
export function OperationsPanel() {
  const backups = useBackups();
  const migrations = useMigrations();
  return (
    <div className="mt-6 grid gap-4 md:grid-cols-2">
      <Card>
        <h2 className="mb-2 text-lg font-semibold">Backups</h2>
        {backups.isPending ? (
          <Loading label="Reading the backups…" />
        ) : backups.isError ? (
          <ErrorState error={backups.error} onRetry={() => void backups.refetch()} />
        ) : (
          <BackupSummary status={backups.data} />
        )}
      </Card>
      <Card>
        <h2 className="mb-2 text-lg font-semibold">Migrations</h2>
        {migrations.isPending ? (
          <Loading label="Reading the migrations…" />
        ) : migrations.isError ? (
          <ErrorState error={migrations.error} onRetry={() => void migrations.refetch()} />
        ) : (
          <MigrationSummary status={migrations.data} />
        )}
      </Card>
    </div>
  );
}
