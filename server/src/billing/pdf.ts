import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';
import { isoTime } from '../kernel/clock.ts';
import { formatDecimal, isCurrency } from '../kernel/money.ts';
import type { CustomerRecord, InvoiceRecord, PlanRecord } from './store.ts';

function money(amount: number, currency: string): string {
  const text = isCurrency(currency) ? formatDecimal(Math.abs(amount), currency) : String(Math.abs(amount));
  return `${amount < 0 ? '-' : ''}${text} ${currency}`;
}

/** The standard fonts encode WinAnsi only: anything else is shown as `?` rather than failing. */
function printable(text: string): string {
  return text.replace(/[–—]/g, '-').replace(/[^\x20-\x7E\xA0-\xFF]/g, '?');
}

/** One invoice as a one-page PDF (pdf-lib, standard Helvetica): header, customer, lines, totals, attempts. */
export async function renderInvoicePdf(input: {
  invoice: InvoiceRecord;
  customer: CustomerRecord;
  plan: PlanRecord;
}): Promise<Uint8Array> {
  const { invoice, customer } = input;
  const doc = await PDFDocument.create();
  doc.setTitle(`Invoice ${invoice.id}`);
  doc.setCreationDate(new Date(invoice.created_at));
  const page = doc.addPage([595, 842]);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  let y = 790;
  const line = (text: string, options: { size?: number; bold?: boolean; x?: number } = {}) => {
    page.drawText(printable(text), {
      x: options.x ?? 50,
      y,
      size: options.size ?? 10,
      font: options.bold ? bold : font,
      color: rgb(0.1, 0.1, 0.1),
    });
  };
  line('Invoice', { size: 22, bold: true });
  y -= 28;
  line(invoice.id);
  line(`Status: ${invoice.status}`, { x: 400 });
  y -= 14;
  line(`Issued ${isoTime(Date.parse(invoice.finalized_at)).slice(0, 10)}`);
  line(`Period ${invoice.period_start.slice(0, 10)} - ${invoice.period_end.slice(0, 10)}`, { x: 300 });
  y -= 28;
  line('Bill to', { bold: true });
  y -= 14;
  line(customer.name ?? customer.id);
  y -= 14;
  if (customer.email) line(customer.email);
  y -= 28;
  line('Description', { bold: true });
  line('Amount', { bold: true, x: 450 });
  y -= 16;
  for (const item of invoice.lines) {
    line(item.description.slice(0, 80));
    line(money(item.amount, invoice.currency), { x: 450 });
    y -= 14;
  }
  y -= 10;
  for (const [label, amount] of [
    ['Subtotal', invoice.subtotal],
    ['Credit applied', -invoice.credit_applied],
    ['Amount due', invoice.amount_due],
    ['Amount paid', invoice.amount_paid],
  ] as const) {
    line(label, { x: 300, bold: label === 'Amount due' });
    line(money(amount, invoice.currency), { x: 450, bold: label === 'Amount due' });
    y -= 14;
  }
  if (invoice.attempts.length > 0) {
    y -= 14;
    line('Payment attempts', { bold: true });
    y -= 14;
    for (const attempt of invoice.attempts) {
      line(
        `#${attempt.attempt} ${attempt.at}  ${attempt.status}${attempt.decline_code ? ` (${attempt.decline_code})` : ''}`,
      );
      y -= 14;
    }
  }
  return doc.save();
}
