import { z } from '@hono/zod-openapi';
import { isCurrency, isValidAmount, maxAmount } from '../kernel/money.ts';

/** An amount in minor units: a positive safe integer; never a float, never a string. */
// The bounds come first: the first failed check is the one reported, and zod's int check also
// refuses integers beyond 2^53, which are too large, not fractional.
export const amountSchema = z
  .number({ error: 'amount must be an integer number of minor units' })
  .positive({ error: 'amount must be positive' })
  .max(maxAmount, { error: `amount must be at most ${maxAmount}` })
  .int({ error: 'amount must be an integer number of minor units (no fractions)' })
  .refine(isValidAmount, { error: 'amount must be a positive integer in minor units' })
  .openapi({ example: 1250, description: "Integer amount in the currency's minor units (1250 = $12.50)." });

/** A currency money can be held in over the API: ISO 4217, upper case, not the rewards `COIN`. */
export const currencySchema = z
  .string({ error: 'currency must be an ISO 4217 code' })
  .refine((code) => isCurrency(code) && code !== 'COIN', {
    error: 'currency must be a supported upper-case ISO 4217 code',
  })
  .openapi({ example: 'USD' });

/** `limit` and `starting_after`, as every list route takes them. */
export const paginationQuerySchema = z.object({
  // A repeated `limit` arrives as a list, which coerces to NaN: one message says what is wanted.
  limit: z.coerce
    .number({ error: 'limit must be given once, as a whole number from 1 to 100' })
    .int({ error: 'limit must be a whole number from 1 to 100' })
    .min(1, { error: 'limit must be a whole number from 1 to 100' })
    .max(100, { error: 'limit must be a whole number from 1 to 100' })
    .default(20)
    .openapi({ example: 20 }),
  starting_after: z
    .string()
    .max(1024)
    .optional()
    .openapi({ description: 'The next_cursor of the previous page.' }),
});

/** A page of `item`s: `{ data, has_more, next_cursor }`. */
export function listSchema<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), has_more: z.boolean(), next_cursor: z.string().nullable() });
}

/**
 * Emoji glue that is itself a format character (Cf) and so allowed only where it glues emoji: a
 * zero-width joiner between two pictographs (👩‍💻, 🏳️‍🌈, 🧑🏽‍💻 — the first may carry a variation
 * selector or a skin tone), and the tag characters of a subdivision flag (🏴 + tags + cancel tag).
 */
const emojiGlue =
  /(?<=\p{Extended_Pictographic}[\u{FE0F}\p{Emoji_Modifier}]?)\u{200D}(?=\p{Extended_Pictographic})|\u{1F3F4}[\u{E0020}-\u{E007E}]+\u{E007F}/gu;
/** Unicode general categories Cc (controls: NUL, line breaks, DEL …) and Cf (invisible formatting: bidi overrides and isolates, zero-width characters, soft hyphen, BOM, tags). */
const controlOrFormat = /[\p{Cc}\p{Cf}]/u;

/** True when `text` holds no control or format character outside emoji sequences. */
export function isDisplayableText(text: string): boolean {
  return !controlOrFormat.test(text.replace(emojiGlue, ''));
}

/**
 * Text people are shown by (names, notes, descriptions): NFC-normalized, trimmed, at most `max`
 * UTF-16 units after both, and free of control and format characters (categories Cc and Cf), so
 * no NUL, line break, bidi override or zero-width character can make one name pass for another.
 * Emoji sequences stay: their zero-width joiners and flag tags are the one exception. Chain
 * `.min(1)` for a required field.
 *
 * @example const nameSchema = displayTextSchema(100).min(1);
 */
export function displayTextSchema(max: number) {
  return z
    .string()
    .normalize('NFC')
    .trim()
    .max(max, { error: `must be at most ${max} characters` })
    .refine(isDisplayableText, {
      error:
        'must not contain control or invisible formatting characters (line breaks, bidi or zero-width marks)',
    });
}

/**
 * Longer text of several lines (a product's description): as `displayTextSchema`, but line breaks
 * (`\n`, `\r\n`) and tabs are kept and it is not trimmed; every other control or format character
 * is refused.
 *
 * @example const descriptionSchema = paragraphTextSchema(5000);
 */
export function paragraphTextSchema(max: number) {
  return z
    .string()
    .normalize('NFC')
    .max(max, { error: `must be at most ${max} characters` })
    .refine((text) => isDisplayableText(text.replace(/[\r\n\t]/g, ' ')), {
      error: 'must not contain control or invisible formatting characters other than line breaks and tabs',
    });
}
