import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures, as ARCHITECTURE.md specifies:
 * `Sluice-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>[,v1=…]`.
 * The HMAC key is the whole secret string (`whsec_…`) as UTF-8. While a secret is being rotated
 * the header carries one `v1` per active secret, so a receiver holding either secret verifies.
 */
export const signatureHeader = 'Sluice-Signature';

/** How far a signature's timestamp may be from the receiver's clock. */
export const defaultToleranceSeconds = 300;

function hmacHex(secret: string, timestamp: number, payload: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest('hex');
}

/**
 * The `Sluice-Signature` header value for `payload` signed at `timestamp` (Unix seconds) with
 * each of `secrets`. Each retry is signed afresh with its own timestamp.
 *
 * @example
 * signPayload('{"id":"evt_…"}', ['whsec_abc'], 1767225600) // "t=1767225600,v1=5f0c…"
 */
export function signPayload(payload: string, secrets: readonly string[], timestamp: number): string {
  if (secrets.length === 0) throw new Error('signing needs at least one secret');
  if (!Number.isSafeInteger(timestamp)) throw new Error('the timestamp must be whole Unix seconds');
  return [`t=${timestamp}`, ...secrets.map((secret) => `v1=${hmacHex(secret, timestamp, payload)}`)].join(
    ',',
  );
}

/**
 * True when `header` carries a `v1` signature of `payload` made with `secret` at a timestamp
 * within `toleranceSeconds` of `nowSeconds`. Returns false (never throws) for a malformed or
 * missing header, a stale or future timestamp, or no matching signature: a receiver answers
 * 400 either way and should not tell a forger which check failed. `payload` must be the raw body
 * exactly as received, before any JSON parsing. Signatures are compared in constant time.
 *
 * @example
 * if (!verifySignature(rawBody, req.headers['sluice-signature'], process.env.WHSEC)) return res.writeHead(400).end();
 */
export function verifySignature(
  payload: string,
  header: string | undefined,
  secret: string,
  toleranceSeconds: number = defaultToleranceSeconds,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): boolean {
  if (typeof header !== 'string' || header === '' || secret === '') return false;
  let timestamp: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    const name = part.slice(0, index).trim();
    const value = part.slice(index + 1).trim();
    if (name === 't') {
      if (!/^\d{1,12}$/.test(value)) return false;
      timestamp = Number(value);
    } else if (name === 'v1') {
      candidates.push(value);
    }
  }
  if (timestamp === undefined || candidates.length === 0) return false;
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(hmacHex(secret, timestamp, payload), 'hex');
  let isMatch = false;
  for (const candidate of candidates) {
    if (!/^[0-9a-f]{64}$/i.test(candidate)) continue;
    // Every candidate is compared, even after a match, so timing does not say which one matched.
    if (timingSafeEqual(expected, Buffer.from(candidate, 'hex'))) isMatch = true;
  }
  return isMatch;
}
