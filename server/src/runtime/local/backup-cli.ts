import { parseArgs } from 'node:util';
import type { AuditReport } from '../../ledger/index.ts';
import { BackupError, restoreBackup, takeBackup } from './backup.ts';
import { DataDirInUseError } from './data-dir-lock.ts';

/**
 * `npm run backup -- --to FILE [--data-dir DIR]`: an online copy of the data dir's database
 * (the server may keep running), with its sha256 (also in `FILE.sha256`) and its ledger audit.
 *
 * `npm run restore -- FILE [--data-dir DIR] [--force]`: checks FILE against `FILE.sha256`,
 * SQLite's integrity check and the ledger audit, and puts it in place as the data dir's database;
 * refused while a server holds the data dir, and over an existing database without `--force`.
 *
 * The data dir defaults as for `npm start`: SLUICE_DATA_DIR, else `.sluice`. Exit code 1 with a
 * one-line reason when refused.
 */
const [command, ...rest] = process.argv.slice(2);
const { values, positionals } = parseArgs({
  args: rest,
  allowPositionals: true,
  options: {
    to: { type: 'string' },
    'data-dir': { type: 'string' },
    force: { type: 'boolean', default: false },
  },
});
const dataDir = values['data-dir'] ?? process.env.SLUICE_DATA_DIR ?? '.sluice';

try {
  if (command === 'backup') {
    if (!values.to) refuse('say where the backup goes: npm run backup -- --to FILE');
    const result = await takeBackup({ dataDir, to: values.to });
    print([
      `Backed up ${dataDir} to ${result.file}`,
      `  size     ${result.size_bytes} bytes`,
      `  sha256   ${result.sha256}   (also in ${result.file}.sha256)`,
      `  taken at ${result.taken_at}`,
      ...describeAudit(result.audit),
    ]);
  } else if (command === 'restore') {
    const file = positionals[0];
    if (!file) refuse('say which backup to restore: npm run restore -- FILE [--data-dir DIR] [--force]');
    const result = await restoreBackup({ file, dataDir, force: values.force });
    print([
      `Restored ${file} into ${dataDir}`,
      `  sha256   ${result.sha256}   (matches ${file}.sha256)`,
      ...(result.keptAs ? [`  the database it replaced is kept as ${result.keptAs}`] : []),
      ...describeAudit(result.audit),
    ]);
  } else {
    refuse(`unknown command ${command ?? '(none)'}: use backup or restore`);
  }
} catch (error) {
  if (!(error instanceof BackupError || error instanceof DataDirInUseError)) throw error;
  refuse(error.message);
}

function describeAudit(audit: AuditReport): string[] {
  return [
    `  ledger   ${audit.balanced ? 'balanced' : 'NOT BALANCED'}`,
    ...audit.currencies.map(
      (c) =>
        `    ${c.currency}: ${c.accounts} accounts, debits posted ${c.debits_posted} = credits posted ${c.credits_posted}, pending ${c.debits_pending} / ${c.credits_pending}`,
    ),
  ];
}

function print(lines: string[]): void {
  process.stdout.write(`${lines.join('\n')}\n`);
}

function refuse(message: string): never {
  process.stderr.write(`${command ?? 'sluice'}: ${message}\n`);
  process.exit(1);
}
