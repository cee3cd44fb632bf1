import { describe, expect, it } from 'vitest';
import { displayTextSchema } from './schemas.ts';

const schema = displayTextSchema(40);

describe('displayTextSchema', () => {
  it.each([
    ['a NUL', 'Ann\u0000Lee'],
    ['a line break', 'Ann\nLee'],
    ['a DEL', 'Ann\u007fLee'],
    ['a right-to-left override', 'Ann \u202eeeL'],
    ['a bidi isolate', '\u2067Ann\u2069 Lee'],
    ['a zero-width space', 'A\u200bnn'],
    ['a lone zero-width joiner', 'A\u200dnn'],
    ['a zero-width joiner after an emoji but before a letter', '👩\u200dAnn'],
    ['a byte-order mark inside', 'Ann\ufeffLee'],
    ['a soft hyphen', 'An\u00adn'],
    ['a stray tag character', 'Ann\u{E0041}'],
  ])('refuses %s', (_label, text) => {
    const result = schema.safeParse(text);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/control or invisible formatting characters/);
  });

  it.each([
    ['a plain name', 'Ann Lee', 'Ann Lee'],
    ['accents and other scripts', 'Zoë Łukasz 山田 عمر', 'Zoë Łukasz 山田 عمر'],
    ['emoji and a skin tone', 'Dinner 🍜👍🏽', 'Dinner 🍜👍🏽'],
    ['emoji joined by zero-width joiners', '👩‍💻 👨‍👩‍👧 🏳️‍🌈 🧑🏽‍💻', '👩‍💻 👨‍👩‍👧 🏳️‍🌈 🧑🏽‍💻'],
    ['a subdivision flag (tag characters)', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', '🏴󠁧󠁢󠁳󠁣󠁴󠁿'],
    ['surrounding spaces, trimmed', '  Ann Lee \t', 'Ann Lee'],
    ['a decomposed accent, composed (NFC)', 'Zoe\u0308', 'Zoë'],
  ])('accepts %s', (_label, text, expected) => {
    expect(schema.parse(text)).toBe(expected);
  });

  it('counts the length after normalizing and trimming', () => {
    expect(schema.safeParse(`  ${'a'.repeat(40)}  `).success).toBe(true);
    expect(schema.safeParse('a'.repeat(41)).success).toBe(false);
  });
});
