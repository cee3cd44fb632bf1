import type { Payment } from '../../../api/payments.ts';
import { currencyExponent, minorToDecimalString } from '../../../lib/money.ts';

const columns: ReadonlyArray<[string, (p: Payment) => string]> = [
  ['id', (p) => p.id],
  ['created_at_sandbox', (p) => p.created_at],
  ['amount', (p) => decimal(p.amount, p.currency)],
  ['currency', (p) => p.currency],
  ['status', (p) => p.status],
  ['display_status', (p) => p.display_status],
  ['amount_captured', (p) => decimal(p.amount_captured, p.currency)],
  ['amount_refunded', (p) => decimal(p.amount_refunded, p.currency)],
  ['card_brand', (p) => p.card.brand],
  ['card_last4', (p) => p.card.last4],
  ['description', (p) => p.description ?? ''],
  ['decline_code', (p) => p.decline_code ?? ''],
  ['settlement', (p) => p.settlement ?? ''],
  ['dispute', (p) => p.dispute ?? ''],
  ['dispute_status', (p) => p.dispute_status ?? ''],
];

function decimal(minor: number, currency: string): string {
  return minorToDecimalString(minor, currencyExponent(currency));
}

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. Text a spreadsheet
 * would run as a formula (`=`, `+`, `-`, `@` first: a description is the payer's text) is
 * prefixed with `'`, so opening the export never runs what a customer typed.
 */
function field(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** The payments as CSV, a header row first, amounts in major units (`25.00`). */
export function paymentsCsv(payments: Payment[]): string {
  const rows = [columns.map(([name]) => name), ...payments.map((p) => columns.map(([, read]) => read(p)))];
  return `${rows.map((row) => row.map(field).join(',')).join('\r\n')}\r\n`;
}

/** Hands the text to the browser as a file download. */
export function downloadText(fileName: string, text: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
