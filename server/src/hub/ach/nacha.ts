/**
 * NACHA ACH files: 94-character fixed-width records (file header 1, batch header 5, entry detail
 * 6, addenda 7, batch control 8, file control 9), padded with lines of 9s to a multiple of ten.
 * `formatFile` writes one, computing every count, hash and total; `parseFile` reads one back and
 * checks those controls. Amounts are integer cents throughout (never a float).
 *
 * No npm library fitted: nach2 generates only (no parser), converts amounts through parseFloat,
 * and was last released years ago; the others pull in global-require helpers. This is tested
 * against a published example file (moov-io/ach's `ppd-debit.ach`) read and written back
 * byte for byte.
 */

export interface FileHeader {
  immediate_destination: string;
  immediate_origin: string;
  /** YYMMDD and HHMM. */
  creation_date: string;
  creation_time: string;
  file_id_modifier: string;
  immediate_destination_name: string;
  immediate_origin_name: string;
  reference_code: string;
}

export interface BatchHeader {
  /** 200 mixed, 220 credits only, 225 debits only. */
  service_class_code: string;
  company_name: string;
  company_discretionary_data: string;
  company_identification: string;
  standard_entry_class: string;
  company_entry_description: string;
  company_descriptive_date: string;
  /** YYMMDD. */
  effective_entry_date: string;
  settlement_date: string;
  originator_status_code: string;
  originating_dfi: string;
  batch_number: number;
}

export interface ReturnAddenda {
  return_code: string;
  original_trace: string;
  date_of_death: string;
  original_rdfi: string;
  information: string;
  trace_number: string;
}

export interface EntryDetail {
  /** 22/32 credit to checking/savings, 27/37 debit from checking/savings, 26/36 a returned debit… */
  transaction_code: string;
  /** The receiving bank's routing number, 9 digits (8 plus the check digit). */
  routing_number: string;
  account_number: string;
  /** Cents. */
  amount: number;
  individual_id: string;
  individual_name: string;
  discretionary_data: string;
  trace_number: string;
  /** A return's addenda (type 99); other addenda types are kept as raw lines. */
  return?: ReturnAddenda;
  addenda?: string[];
}

export interface Batch {
  header: BatchHeader;
  entries: EntryDetail[];
}

export interface NachaFile {
  header: FileHeader;
  batches: Batch[];
}

export class NachaError extends Error {
  readonly line: number;
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = 'NachaError';
    this.line = line;
  }
}

const alpha = (value: string, width: number) => value.slice(0, width).padEnd(width, ' ');
function numeric(value: number | string, width: number): string {
  const text = typeof value === 'number' ? String(value) : value;
  if (!/^\d*$/.test(text) || text.length > width)
    throw new RangeError(`${text} does not fit ${width} digits`);
  return text.padStart(width, '0');
}
/**
 * Debit records: a transaction code's second digit 5 to 9 (27 a checking debit, 26 its return or
 * notification of change, 28 a prenote …); 1 to 4 are credits (22, its return 21 …). A bank's
 * return file totals a returned debit (26, 36) with the debits.
 */
const isDebit = (transactionCode: string) => transactionCode[1]! >= '5';

function entryHash(entries: readonly EntryDetail[]): number {
  return entries.reduce((sum, e) => (sum + Number(e.routing_number.slice(0, 8))) % 10_000_000_000, 0);
}
function totals(entries: readonly EntryDetail[]) {
  let debit = 0;
  let credit = 0;
  for (const entry of entries) {
    if (isDebit(entry.transaction_code)) debit += entry.amount;
    else credit += entry.amount;
  }
  return { debit, credit };
}
const addendaCount = (entries: readonly EntryDetail[]) =>
  entries.reduce((n, e) => n + 1 + (e.return ? 1 : 0) + (e.addenda?.length ?? 0), 0);

/** The file as NACHA text: records joined by `\n`, padded to a multiple of ten lines. */
export function formatFile(file: NachaFile): string {
  const h = file.header;
  const lines = [
    '101' +
      alpha(h.immediate_destination, 10) +
      alpha(h.immediate_origin, 10) +
      numeric(h.creation_date, 6) +
      numeric(h.creation_time, 4) +
      alpha(h.file_id_modifier, 1) +
      '094' +
      '10' +
      '1' +
      alpha(h.immediate_destination_name, 23) +
      alpha(h.immediate_origin_name, 23) +
      alpha(h.reference_code, 8),
  ];
  for (const batch of file.batches) {
    const b = batch.header;
    lines.push(
      '5' +
        numeric(b.service_class_code, 3) +
        alpha(b.company_name, 16) +
        alpha(b.company_discretionary_data, 20) +
        alpha(b.company_identification, 10) +
        alpha(b.standard_entry_class, 3) +
        alpha(b.company_entry_description, 10) +
        alpha(b.company_descriptive_date, 6) +
        numeric(b.effective_entry_date, 6) +
        alpha(b.settlement_date, 3) +
        alpha(b.originator_status_code, 1) +
        numeric(b.originating_dfi, 8) +
        numeric(b.batch_number, 7),
    );
    for (const e of batch.entries) {
      const addenda = (e.return ? 1 : 0) + (e.addenda?.length ?? 0);
      lines.push(
        '6' +
          numeric(e.transaction_code, 2) +
          numeric(e.routing_number, 9) +
          alpha(e.account_number, 17) +
          numeric(e.amount, 10) +
          alpha(e.individual_id, 15) +
          alpha(e.individual_name, 22) +
          alpha(e.discretionary_data, 2) +
          (addenda > 0 ? '1' : '0') +
          numeric(e.trace_number, 15),
      );
      if (e.return)
        lines.push(
          '799' +
            alpha(e.return.return_code, 3) +
            numeric(e.return.original_trace, 15) +
            alpha(e.return.date_of_death, 6) +
            numeric(e.return.original_rdfi, 8) +
            alpha(e.return.information, 44) +
            numeric(e.return.trace_number, 15),
        );
      for (const line of e.addenda ?? []) lines.push(alpha(line, 94));
    }
    const sums = totals(batch.entries);
    lines.push(
      '8' +
        numeric(b.service_class_code, 3) +
        numeric(addendaCount(batch.entries), 6) +
        numeric(entryHash(batch.entries), 10) +
        numeric(sums.debit, 12) +
        numeric(sums.credit, 12) +
        alpha(b.company_identification, 10) +
        ' '.repeat(19) +
        ' '.repeat(6) +
        numeric(b.originating_dfi, 8) +
        numeric(b.batch_number, 7),
    );
  }
  const entries = file.batches.flatMap((batch) => batch.entries);
  const sums = totals(entries);
  const recordCount = lines.length + 1;
  lines.push(
    '9' +
      numeric(file.batches.length, 6) +
      numeric(Math.ceil(recordCount / 10), 6) +
      numeric(addendaCount(entries), 8) +
      numeric(
        file.batches.reduce((sum, batch) => (sum + entryHash(batch.entries)) % 10_000_000_000, 0),
        10,
      ) +
      numeric(sums.debit, 12) +
      numeric(sums.credit, 12) +
      ' '.repeat(39),
  );
  while (lines.length % 10 !== 0) lines.push('9'.repeat(94));
  return lines.join('\n');
}

const field = (line: string, from: number, to: number) => line.slice(from - 1, to);
const trimmed = (line: string, from: number, to: number) => field(line, from, to).trimEnd();

/**
 * Reads a NACHA file, checking each record's length and type order and each batch's and the
 * file's counts, hashes and totals. Throws `NachaError` naming the line at fault.
 */
export function parseFile(text: string): NachaFile {
  const lines = text.split(/\r?\n/).filter((line, index, all) => line.length > 0 || index < all.length - 1);
  let header: FileHeader | undefined;
  const batches: Batch[] = [];
  let batch: Batch | undefined;
  let sawControl = false;
  lines.forEach((line, index) => {
    const at = index + 1;
    if (line.length !== 94) throw new NachaError(at, `a record is 94 characters, this one ${line.length}`);
    if (sawControl) {
      if (line !== '9'.repeat(94)) throw new NachaError(at, 'only padding may follow the file control');
      return;
    }
    const type = line[0];
    if (!header && type !== '1') throw new NachaError(at, 'the file must open with a file header (1)');
    const digits = (from: number, to: number, what: string) => {
      const value = field(line, from, to);
      if (!/^\d+$/.test(value)) throw new NachaError(at, `${what} must be digits`);
      return value;
    };
    switch (type) {
      case '1':
        if (header) throw new NachaError(at, 'a second file header');
        if (field(line, 35, 37) !== '094') throw new NachaError(at, 'record size must be 094');
        header = {
          immediate_destination: field(line, 4, 13),
          immediate_origin: field(line, 14, 23),
          creation_date: digits(24, 29, 'the creation date'),
          creation_time: field(line, 30, 33),
          file_id_modifier: field(line, 34, 34),
          immediate_destination_name: trimmed(line, 41, 63),
          immediate_origin_name: trimmed(line, 64, 86),
          reference_code: trimmed(line, 87, 94),
        };
        return;
      case '5':
        if (batch) throw new NachaError(at, 'a batch header inside an open batch');
        batch = {
          header: {
            service_class_code: digits(2, 4, 'the service class code'),
            company_name: trimmed(line, 5, 20),
            company_discretionary_data: trimmed(line, 21, 40),
            company_identification: trimmed(line, 41, 50),
            standard_entry_class: field(line, 51, 53),
            company_entry_description: trimmed(line, 54, 63),
            company_descriptive_date: trimmed(line, 64, 69),
            effective_entry_date: digits(70, 75, 'the effective entry date'),
            settlement_date: trimmed(line, 76, 78),
            originator_status_code: field(line, 79, 79),
            originating_dfi: digits(80, 87, 'the originating DFI'),
            batch_number: Number(digits(88, 94, 'the batch number')),
          },
          entries: [],
        };
        return;
      case '6': {
        if (!batch) throw new NachaError(at, 'an entry outside a batch');
        batch.entries.push({
          transaction_code: digits(2, 3, 'the transaction code'),
          routing_number: digits(4, 12, 'the receiving DFI'),
          account_number: trimmed(line, 13, 29),
          amount: Number(digits(30, 39, 'the amount')),
          individual_id: trimmed(line, 40, 54),
          individual_name: trimmed(line, 55, 76),
          discretionary_data: trimmed(line, 77, 78),
          trace_number: digits(80, 94, 'the trace number'),
        });
        return;
      }
      case '7': {
        const entry = batch?.entries.at(-1);
        if (!entry) throw new NachaError(at, 'an addenda without an entry');
        if (field(line, 2, 3) === '99')
          entry.return = {
            return_code: field(line, 4, 6),
            original_trace: digits(7, 21, 'the original trace number'),
            date_of_death: trimmed(line, 22, 27),
            original_rdfi: digits(28, 35, 'the original receiving DFI'),
            information: trimmed(line, 36, 79),
            trace_number: digits(80, 94, 'the trace number'),
          };
        else (entry.addenda ??= []).push(line);
        return;
      }
      case '8': {
        if (!batch) throw new NachaError(at, 'a batch control without a batch');
        const sums = totals(batch.entries);
        if (Number(digits(5, 10, 'the entry count')) !== addendaCount(batch.entries))
          throw new NachaError(at, 'the batch entry/addenda count does not match its records');
        if (Number(digits(11, 20, 'the entry hash')) !== entryHash(batch.entries))
          throw new NachaError(at, 'the batch entry hash does not match its entries');
        if (
          Number(digits(21, 32, 'the debit total')) !== sums.debit ||
          Number(digits(33, 44, 'the credit total')) !== sums.credit
        )
          throw new NachaError(at, 'the batch totals do not match its entries');
        batches.push(batch);
        batch = undefined;
        return;
      }
      case '9': {
        if (batch) throw new NachaError(at, 'the file control inside an open batch');
        const entries = batches.flatMap((b) => b.entries);
        const sums = totals(entries);
        if (Number(digits(2, 7, 'the batch count')) !== batches.length)
          throw new NachaError(at, 'the file batch count does not match');
        // Blocks of ten records, up to and including this one (the padding completes the last).
        if (Number(digits(8, 13, 'the block count')) !== Math.ceil(at / 10))
          throw new NachaError(at, 'the file block count does not match its records');
        if (Number(digits(14, 21, 'the entry count')) !== addendaCount(entries))
          throw new NachaError(at, 'the file entry/addenda count does not match');
        const hash = batches.reduce((sum, b) => (sum + entryHash(b.entries)) % 10_000_000_000, 0);
        if (Number(digits(22, 31, 'the entry hash')) !== hash)
          throw new NachaError(at, 'the file entry hash does not match its batches');
        if (
          Number(digits(32, 43, 'the debit total')) !== sums.debit ||
          Number(digits(44, 55, 'the credit total')) !== sums.credit
        )
          throw new NachaError(at, 'the file totals do not match');
        sawControl = true;
        return;
      }
      default:
        throw new NachaError(at, `unknown record type ${JSON.stringify(type)}`);
    }
  });
  if (!header || !sawControl) throw new NachaError(lines.length, 'the file has no file control (9)');
  return { header, batches };
}

/** Whether a 9-digit ABA routing number passes its checksum (weights 3, 7, 1). */
export function isRoutingNumber(value: string): boolean {
  if (!/^\d{9}$/.test(value) || value === '000000000') return false;
  const weights = [3, 7, 1, 3, 7, 1, 3, 7, 1];
  return [...value].reduce((sum, digit, i) => sum + Number(digit) * weights[i]!, 0) % 10 === 0;
}
