import { BlockList, isIP } from 'node:net';

/**
 * Amazon EventBridge event patterns, matched in process so that a subscription behaves the same
 * on the local bus as an EventBridge rule does on AWS. The semantics follow EventBridge (and its
 * open-source engine, Event Ruler):
 *
 * - fields of a pattern object must all match (AND); values in a field's array are alternatives
 *   (OR); `$or: [{…}, {…}]` makes whole sub-patterns alternatives;
 * - an event array matches when any of its elements does; arrays of objects are searched element
 *   by element, and all fields of one nested pattern must match within the same element;
 * - only leaf values (string, number, boolean, null) are matched; `exists: true` means "has a
 *   leaf value here", so an object or an empty array counts as absent;
 * - `anything-but` needs the field to be present and matches any value not excluded, of any type;
 * - `prefix`, `suffix`, `equals-ignore-case`, `wildcard` and `cidr` match strings only, `numeric`
 *   matches numbers only.
 *
 * Deliberate differences: numbers compare by value (EventBridge compares `300` and `3.0e2` as
 * numbers in `numeric` but by spelling in plain values; a parsed JS object has no spelling), and
 * `$or` is always the operator, never a field name.
 */

export type PatternScalar = string | number | boolean | null;
type StringOrIgnoreCase = string | { readonly 'equals-ignore-case': string };
type OneOrMoreStrings = string | readonly string[];

export type AnythingBut =
  | string
  | number
  | readonly string[]
  | readonly number[]
  | { readonly prefix: OneOrMoreStrings }
  | { readonly suffix: OneOrMoreStrings }
  | { readonly 'equals-ignore-case': OneOrMoreStrings }
  | { readonly wildcard: OneOrMoreStrings };

export type PatternOperator =
  | { readonly prefix: StringOrIgnoreCase }
  | { readonly suffix: StringOrIgnoreCase }
  | { readonly 'equals-ignore-case': string }
  | { readonly wildcard: string }
  | { readonly 'anything-but': AnythingBut }
  | { readonly numeric: readonly (string | number)[] }
  | { readonly exists: boolean }
  | { readonly cidr: string };

export type PatternValue = PatternScalar | PatternOperator;

/**
 * An event pattern: field names map to an array of accepted values, or to a nested pattern for
 * an object field; `$or` holds alternative sub-patterns.
 *
 * @example
 * const pattern: EventPattern = { type: [{ prefix: 'payment.' }], data: { currency: ['USD', 'EUR'] } };
 */
export interface EventPattern {
  readonly [field: string]: EventPattern | readonly PatternValue[] | readonly EventPattern[];
}

/** A pattern EventBridge would refuse; `path` names the offending part (`data.amount`). */
export class InvalidEventPatternError extends Error {
  readonly path: string;
  constructor(path: string, reason: string) {
    super(`invalid event pattern${path ? ` at ${path}` : ''}: ${reason}`);
    this.name = 'InvalidEventPatternError';
    this.path = path;
  }
}

/** A compiled pattern: validated once, then cheap to run against many events. */
export type EventMatcher = (event: object) => boolean;

/**
 * Validates `pattern` and turns it into a predicate. Throws `InvalidEventPatternError` for a
 * pattern EventBridge would refuse, so a subscription that works locally also deploys.
 *
 * @example
 * const isUsdPayment = compilePattern({ type: [{ prefix: 'payment.' }], data: { currency: ['USD'] } });
 * isUsdPayment({ type: 'payment.captured', data: { currency: 'USD' } }); // true
 */
export function compilePattern(pattern: EventPattern): EventMatcher {
  if (!isPlainObject(pattern)) throw new InvalidEventPatternError('', 'a pattern must be a JSON object');
  const test = compileObject(pattern, '');
  return (event) => test(event);
}

/** Throws `InvalidEventPatternError` when `pattern` is malformed; returns quietly otherwise. */
export function validatePattern(pattern: unknown): asserts pattern is EventPattern {
  compilePattern(pattern as EventPattern);
}

/**
 * True when `event` matches `pattern`. Compiles the pattern on every call: code matching one
 * pattern against many events should keep the result of `compilePattern`.
 *
 * @example
 * matchesPattern({ type: ['transfer.created'] }, event);
 */
export function matchesPattern(pattern: EventPattern, event: object): boolean {
  return compilePattern(pattern)(event);
}

type NodeTest = (node: unknown) => boolean;
type LeafTest = (leaves: readonly PatternScalar[]) => boolean;
type ValueTest = (value: PatternScalar) => boolean;

const orKey = '$or';
const operatorNames = new Set([
  'prefix',
  'suffix',
  'equals-ignore-case',
  'wildcard',
  'anything-but',
  'numeric',
  'exists',
  'cidr',
]);
/** EventBridge's numeric range: pattern numbers outside it are refused. */
const numericLimit = 5e9;

function compileObject(pattern: Record<string, unknown>, path: string, insideOr = false): NodeTest {
  const keys = Object.keys(pattern);
  if (keys.length === 0) throw new InvalidEventPatternError(path, 'empty objects are not allowed');
  const tests = keys.map((key): NodeTest => {
    const fieldPath = path ? `${path}.${key}` : key;
    const value = pattern[key];
    if (key === orKey) return compileOr(value, path, fieldPath);
    // Inside $or, an operator name as a field name is almost surely a misplaced operator.
    if (insideOr && operatorNames.has(key)) {
      throw new InvalidEventPatternError(
        fieldPath,
        `"${key}" is an operator and cannot be a field name inside $or`,
      );
    }
    if (Array.isArray(value)) {
      const leafTest = compileLeaf(value, fieldPath);
      return (node) => leafTest(leafValues(childOf(node, key)));
    }
    if (isPlainObject(value)) {
      const nested = compileObject(value, fieldPath, insideOr);
      return (node) => matchNested(nested, childOf(node, key));
    }
    throw new InvalidEventPatternError(fieldPath, 'must be an object or an array');
  });
  return (node) => tests.every((test) => test(node));
}

/** `$or` is not a step in the event: its branches apply to the object that holds it. */
function compileOr(value: unknown, parentPath: string, path: string): NodeTest {
  if (!Array.isArray(value)) throw new InvalidEventPatternError(path, '$or must be an array of objects');
  if (value.length < 2) throw new InvalidEventPatternError(path, '$or needs at least 2 objects');
  const branches = value.map((branch, index) => {
    if (!isPlainObject(branch))
      throw new InvalidEventPatternError(`${path}[${index}]`, 'only objects are allowed in $or');
    return compileObject(branch, parentPath, true);
  });
  return (node) => branches.some((branch) => branch(node));
}

/** A nested pattern against an array is tried on each object in it: one element must match it all. */
function matchNested(test: NodeTest, value: unknown): boolean {
  if (!Array.isArray(value)) return test(value);
  const objects = flatten(value).filter(isPlainObject);
  return objects.length === 0 ? test(undefined) : objects.some(test);
}

function compileLeaf(values: readonly unknown[], path: string): LeafTest {
  if (values.length === 0) throw new InvalidEventPatternError(path, 'empty arrays are not allowed');
  const tests = values.map((value, index) => compileValue(value, `${path}[${index}]`));
  return (leaves) => tests.some((test) => test(leaves));
}

function compileValue(value: unknown, path: string): LeafTest {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') {
    return (leaves) => leaves.includes(value);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidEventPatternError(path, 'numbers must be finite');
    return (leaves) => leaves.includes(value);
  }
  if (!isPlainObject(value))
    throw new InvalidEventPatternError(
      path,
      'match values must be strings, numbers, true, false, null or operator objects',
    );
  const keys = Object.keys(value);
  if (keys.length !== 1)
    throw new InvalidEventPatternError(path, 'an operator object holds exactly one operator');
  const name = keys[0]!;
  const operand = value[name];
  if (name === 'exists') {
    if (typeof operand !== 'boolean') throw new InvalidEventPatternError(path, 'exists takes true or false');
    return operand ? (leaves) => leaves.length > 0 : (leaves) => leaves.length === 0;
  }
  const test = compileOperator(name, operand, `${path}.${name}`);
  return (leaves) => leaves.some(test);
}

function compileOperator(name: string, operand: unknown, path: string): ValueTest {
  switch (name) {
    case 'prefix': {
      const { text, ignoreCase } = stringOrIgnoreCase(operand, path);
      return stringTest((value) => fold(value, ignoreCase).startsWith(fold(text, ignoreCase)));
    }
    case 'suffix': {
      const { text, ignoreCase } = stringOrIgnoreCase(operand, path);
      return stringTest((value) => fold(value, ignoreCase).endsWith(fold(text, ignoreCase)));
    }
    case 'equals-ignore-case': {
      const text = requireString(operand, path);
      return stringTest((value) => fold(value, true) === fold(text, true));
    }
    case 'wildcard': {
      const regex = wildcardRegex(requireString(operand, path), path);
      return stringTest((value) => regex.test(value));
    }
    case 'numeric':
      return compileNumeric(operand, path);
    case 'cidr':
      return compileCidr(operand, path);
    case 'anything-but':
      return compileAnythingBut(operand, path);
    default:
      throw new InvalidEventPatternError(path, `unknown operator "${name}"`);
  }
}

function compileAnythingBut(operand: unknown, path: string): ValueTest {
  if (typeof operand === 'string' || typeof operand === 'number') return compileAnythingBut([operand], path);
  if (Array.isArray(operand)) {
    const isAllStrings = operand.every((v) => typeof v === 'string');
    const isAllNumbers = operand.every((v) => typeof v === 'number' && Number.isFinite(v));
    if (operand.length === 0 || (!isAllStrings && !isAllNumbers)) {
      throw new InvalidEventPatternError(
        path,
        'anything-but takes a string, a number, or a non-empty list of only strings or only numbers',
      );
    }
    const excluded = new Set<unknown>(operand);
    return (value) => !excluded.has(value);
  }
  if (!isPlainObject(operand) || Object.keys(operand).length !== 1) {
    throw new InvalidEventPatternError(
      path,
      'anything-but takes a value, a list, or one of prefix, suffix, equals-ignore-case, wildcard',
    );
  }
  const [name, inner] = Object.entries(operand)[0]!;
  const innerPath = `${path}.${name}`;
  const texts = typeof inner === 'string' ? [inner] : inner;
  if (!Array.isArray(texts) || texts.length === 0 || !texts.every((t) => typeof t === 'string')) {
    throw new InvalidEventPatternError(innerPath, 'takes a string or a non-empty list of strings');
  }
  let excludes: (value: string) => boolean;
  switch (name) {
    case 'prefix':
    case 'suffix':
      if (texts.includes(''))
        throw new InvalidEventPatternError(innerPath, `an empty ${name} is not allowed`);
      excludes =
        name === 'prefix'
          ? (v) => texts.some((t) => v.startsWith(t))
          : (v) => texts.some((t) => v.endsWith(t));
      break;
    case 'equals-ignore-case': {
      const folded = new Set(texts.map((t) => fold(t, true)));
      excludes = (v) => folded.has(fold(v, true));
      break;
    }
    case 'wildcard': {
      const regexes = texts.map((t) => wildcardRegex(t, innerPath));
      excludes = (v) => regexes.some((r) => r.test(v));
      break;
    }
    default:
      throw new InvalidEventPatternError(innerPath, `anything-but does not support "${name}"`);
  }
  // Values of other types cannot start with, end with or equal a string, so they are not excluded.
  return (value) => typeof value !== 'string' || !excludes(value);
}

const lowerBounds = { '>': (a: number, b: number) => a > b, '>=': (a: number, b: number) => a >= b } as const;
const upperBounds = { '<': (a: number, b: number) => a < b, '<=': (a: number, b: number) => a <= b } as const;

/** `[op, n]` or a lower bound then an upper bound: `['>', 0, '<=', 5]`, as EventBridge accepts. */
function compileNumeric(operand: unknown, path: string): ValueTest {
  if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4)) {
    throw new InvalidEventPatternError(
      path,
      'numeric takes [operator, number] or [lower operator, number, upper operator, number]',
    );
  }
  const terms: Array<[string, number]> = [];
  for (let i = 0; i < operand.length; i += 2) {
    const [op, n] = [operand[i], operand[i + 1]];
    if (typeof op !== 'string')
      throw new InvalidEventPatternError(path, `expected an operator, got ${JSON.stringify(op)}`);
    if (typeof n !== 'number' || !Number.isFinite(n))
      throw new InvalidEventPatternError(path, `the value after "${op}" must be a number`);
    if (Math.abs(n) > numericLimit)
      throw new InvalidEventPatternError(
        path,
        `numbers must lie between -${numericLimit} and ${numericLimit}`,
      );
    terms.push([op, n]);
  }
  const [[op, n], upper] = [terms[0]!, terms[1]];
  if (op === '=') {
    if (upper) throw new InvalidEventPatternError(path, '"=" cannot be combined with another operator');
    return (value) => typeof value === 'number' && value === n;
  }
  if (op === '<' || op === '<=') {
    if (upper) throw new InvalidEventPatternError(path, 'an upper bound must come last');
    return (value) => typeof value === 'number' && upperBounds[op](value, n);
  }
  if (op !== '>' && op !== '>=') throw new InvalidEventPatternError(path, `unknown numeric operator "${op}"`);
  const isAbove = lowerBounds[op];
  if (!upper) return (value) => typeof value === 'number' && isAbove(value, n);
  const [topOp, top] = upper;
  if (topOp !== '<' && topOp !== '<=')
    throw new InvalidEventPatternError(path, `expected "<" or "<=" after the lower bound, got "${topOp}"`);
  if (top <= n) throw new InvalidEventPatternError(path, 'the lower bound must be below the upper bound');
  const isBelow = upperBounds[topOp];
  return (value) => typeof value === 'number' && isAbove(value, n) && isBelow(value, top);
}

function compileCidr(operand: unknown, path: string): ValueTest {
  const text = requireString(operand, path);
  const slash = text.lastIndexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const family = isIP(address);
  const maxBits = family === 6 ? 128 : 32;
  const bits = slash < 0 ? maxBits : Number(text.slice(slash + 1));
  if (
    family === 0 ||
    !Number.isInteger(bits) ||
    bits < 0 ||
    bits > maxBits ||
    (slash >= 0 && !/^\d+$/.test(text.slice(slash + 1)))
  ) {
    throw new InvalidEventPatternError(path, `"${text}" is not an IPv4 or IPv6 CIDR block`);
  }
  const type = family === 6 ? 'ipv6' : 'ipv4';
  const block = new BlockList();
  block.addSubnet(address, bits, type);
  return stringTest((value) => isIP(value) === family && block.check(value, type));
}

/**
 * `*` matches any run of characters; `\*` is a literal star and `\\` a literal backslash. Like
 * EventBridge, refuses `**` and any other escape.
 */
function wildcardRegex(text: string, path: string): RegExp {
  let source = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '*') {
      if (text[i + 1] === '*')
        throw new InvalidEventPatternError(path, 'consecutive wildcard characters are not allowed');
      source += '[\\s\\S]*';
    } else if (char === '\\') {
      const next = text[i + 1];
      if (next !== '*' && next !== '\\')
        throw new InvalidEventPatternError(path, 'a backslash may only escape "*" or "\\"');
      source += `\\${next}`;
      i++;
    } else {
      source += char.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`, 'u');
}

function stringOrIgnoreCase(operand: unknown, path: string): { text: string; ignoreCase: boolean } {
  if (typeof operand === 'string') return { text: operand, ignoreCase: false };
  if (
    isPlainObject(operand) &&
    Object.keys(operand).length === 1 &&
    typeof operand['equals-ignore-case'] === 'string'
  ) {
    return { text: operand['equals-ignore-case'], ignoreCase: true };
  }
  throw new InvalidEventPatternError(path, 'takes a string or { "equals-ignore-case": string }');
}

function requireString(operand: unknown, path: string): string {
  if (typeof operand !== 'string') throw new InvalidEventPatternError(path, 'takes a string');
  return operand;
}

function stringTest(test: (value: string) => boolean): ValueTest {
  return (value) => typeof value === 'string' && test(value);
}

function fold(text: string, ignoreCase: boolean): string {
  return ignoreCase ? text.toLowerCase() : text;
}

/** The leaf values at a field: arrays are flattened, objects are not leaves, absence is none. */
function leafValues(value: unknown): PatternScalar[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return flatten(value).filter(isScalar);
  return isScalar(value) ? [value] : [];
}

function childOf(node: unknown, key: string): unknown {
  return isPlainObject(node) && Object.hasOwn(node, key) ? node[key] : undefined;
}

function flatten(values: readonly unknown[]): unknown[] {
  return values.flatMap((value) => (Array.isArray(value) ? flatten(value) : [value]));
}

function isScalar(value: unknown): value is PatternScalar {
  return (
    value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
