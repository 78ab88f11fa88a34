import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures: `X-Scim-Signature: sha256=<hex>` is the HMAC-SHA256
 * of the exact request body under the tenant's shared secret. The body carries `sentAt`, the
 * instant also sent as `X-Scim-Timestamp` (Unix seconds), so a receiver can refuse replays of
 * old deliveries; `id` (also `X-Scim-Event-Id`) is the same on every retry of one event.
 */
export const SIGNATURE_HEADER = 'X-Scim-Signature';
export const TIMESTAMP_HEADER = 'X-Scim-Timestamp';
export const EVENT_ID_HEADER = 'X-Scim-Event-Id';

export function signWebhookBody(secret: string, body: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(body, 'utf8').digest('hex');
}

/** Constant-time check of a received signature header against the body. */
export function verifyWebhookSignature(
  secret: string,
  body: string,
  header: string | string[] | undefined,
): boolean {
  const given = Array.isArray(header) ? header[0] : header;
  if (typeof given !== 'string') {
    return false;
  }
  const expected = Buffer.from(signWebhookBody(secret, body), 'utf8');
  const actual = Buffer.from(given.trim(), 'utf8');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
