/** The header Sluice signs every webhook with. */
export const signatureHeader = 'Sluice-Signature';
/** How far a signature's timestamp may be from this clock by default, in seconds. */
export const defaultToleranceSeconds = 300;

const encoder = new TextEncoder();

async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await globalThis.crypto.subtle.importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = new Uint8Array(await globalThis.crypto.subtle.sign('HMAC', key, encoder.encode(message)));
  return Array.from(mac, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Compares two equal-length hex strings without stopping at the first difference. */
function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i += 1) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/**
 * The `Sluice-Signature` value for `payload` at `timestamp` (Unix seconds), one `v1` per secret:
 * `t=<timestamp>,v1=<hex HMAC-SHA256(secret, "<t>.<payload>")>`. What the server sends; the CLI
 * signs what it forwards with it.
 *
 * @example
 * await signPayload('{"id":"evt_1"}', ['whsec_abc'], Math.floor(Date.now() / 1000));
 */
export async function signPayload(
  payload: string,
  secrets: readonly string[],
  timestamp: number,
): Promise<string> {
  if (secrets.length === 0) throw new Error('signing needs at least one secret');
  if (!Number.isSafeInteger(timestamp)) throw new Error('the timestamp must be whole Unix seconds');
  const signatures = await Promise.all(secrets.map((secret) => hmacHex(secret, `${timestamp}.${payload}`)));
  return [`t=${timestamp}`, ...signatures.map((signature) => `v1=${signature}`)].join(',');
}

/**
 * True when `header` carries a `v1` signature of `rawBody` made with `secret` at a timestamp
 * within `toleranceSeconds` of now. False (never a throw) for a missing or malformed header, a
 * stale or future timestamp, or no matching signature: answer 400 either way. `rawBody` must be
 * the body exactly as received, before any JSON parsing. WebCrypto only: browsers, Node 20+,
 * Deno, workers. The same checks as the server's own `verifySignature`.
 *
 * @example
 * if (!(await webhooks.verify(await request.text(), request.headers.get('sluice-signature'), secret)))
 *   return new Response('bad signature', { status: 400 });
 */
export async function verify(
  rawBody: string,
  header: string | null | undefined,
  secret: string,
  toleranceSeconds: number = defaultToleranceSeconds,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): Promise<boolean> {
  if (typeof header !== 'string' || header === '' || secret === '') return false;
  const parsed = parseHeader(header);
  if (!parsed) return false;
  if (Math.abs(nowSeconds - parsed.timestamp) > toleranceSeconds) return false;
  const expected = await hmacHex(secret, `${parsed.timestamp}.${rawBody}`);
  let isMatch = false;
  // Every candidate is compared, even after a match, so timing does not say which one matched.
  for (const candidate of parsed.candidates) {
    if (/^[0-9a-f]{64}$/i.test(candidate) && constantTimeEqual(expected, candidate.toLowerCase()))
      isMatch = true;
  }
  return isMatch;
}

function parseHeader(header: string): { timestamp: number; candidates: string[] } | undefined {
  let timestamp: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    const name = part.slice(0, index).trim();
    const value = part.slice(index + 1).trim();
    if (name === 't') {
      if (!/^\d{1,12}$/.test(value)) return undefined;
      timestamp = Number(value);
    } else if (name === 'v1') {
      candidates.push(value);
    }
  }
  return timestamp === undefined || candidates.length === 0 ? undefined : { timestamp, candidates };
}

/** `sluice.webhooks`, also usable without a client. */
export const webhooks = { verify, signPayload, signatureHeader, defaultToleranceSeconds };
