import { Inject, Injectable, Optional } from '@nestjs/common';
import { LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { EgressPolicy } from '../core/egress/egress-policy';
import { ScimChangeEvent } from '../core/ports/change-event';
import { TenantWebhook } from '../core/ports/tenant.repository';
import { WEBHOOK_EGRESS_POLICY } from '../core/ports/tokens';
import { EVENTS_OPTIONS, EventsOptions } from './events.options';
import {
  DestinationRefusedError,
  HostResolver,
  WEBHOOK_HOST_RESOLVER,
  pinnedLookup,
  resolveDestination,
  systemResolver,
} from './webhook-destination';
import {
  EVENT_ID_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  signWebhookBody,
} from './webhook-signature';

/**
 * Why a delivery failed, as stored in the event's last_error: a coarse class only. An errno,
 * a port or a resolved address would tell whoever sets the URL which internal ports are open
 * and which are closed (a port scanner through the server).
 */
export type WebhookFailure =
  | 'refused destination'
  | 'connection failed'
  | 'timeout'
  | 'TLS error'
  | 'HTTP 1xx'
  | 'HTTP 3xx'
  | 'HTTP 4xx'
  | 'HTTP 5xx'
  | 'HTTP error';

/** A delivery that did not get a 2xx; the message is the failure class, the cause the detail. */
export class WebhookError extends Error {
  constructor(
    readonly failure: WebhookFailure,
    options?: { cause?: unknown },
  ) {
    super(failure, options);
  }
}

const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|EPROTO$|CERT_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_|HOSTNAME_MISMATCH)/;

/** The failure class of an error raised while connecting or sending. */
export function failureOf(e: unknown): WebhookFailure {
  if (e instanceof WebhookError) {
    return e.failure;
  }
  if (e instanceof DestinationRefusedError) {
    return 'refused destination';
  }
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && TLS_CODES.test(code)) {
    return 'TLS error';
  }
  return code === 'ETIMEDOUT' ? 'timeout' : 'connection failed';
}

const statusClass = (status: number): WebhookFailure | null => {
  if (status >= 200 && status < 300) {
    return null;
  }
  const cls = `HTTP ${Math.floor(status / 100)}xx`;
  return ['HTTP 1xx', 'HTTP 3xx', 'HTTP 4xx', 'HTTP 5xx'].includes(cls) ? (cls as WebhookFailure) : 'HTTP error';
};

/**
 * POSTs one event to a tenant's webhook: JSON body, signed with the tenant's shared secret; a
 * 2xx answer within the delivery timeout is a delivery, anything else (another status, a
 * refused destination, a network error, no answer in time) a failure. The host is resolved
 * here, at delivery, every address checked against the egress policy, and the connection made
 * to a checked address only. Redirects are not followed (a 3xx is a failure). Every request
 * uses its own connection, closed afterwards: nothing outlives a delivery.
 */
@Injectable()
export class WebhookSender {
  constructor(
    @Inject(EVENTS_OPTIONS) private readonly options: EventsOptions,
    @Inject(WEBHOOK_EGRESS_POLICY) private readonly policy: EgressPolicy,
    @Optional() @Inject(WEBHOOK_HOST_RESOLVER) private readonly resolve: HostResolver = systemResolver,
  ) {}

  /** Delivers or rejects with a WebhookError, all within the delivery timeout. */
  send(hook: TenantWebhook, event: ScimChangeEvent, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let sent: { cancel(): void; status(): number | undefined } | undefined;
      const finish = (failure: WebhookFailure | null, cause?: unknown): void => {
        if (settled) {
          return;
        }
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        sent?.cancel();
        if (failure === null) {
          resolve();
        } else {
          reject(new WebhookError(failure, { cause }));
        }
      };
      // shutdown: stop at once, also while the name is being resolved
      const onAbort = () => finish('connection failed', signal?.reason);
      // the whole delivery, name resolution included, is bounded by the timeout; a status
      // already received stands (only the rest of its body was slow)
      const timer = setTimeout(() => {
        const status = sent?.status();
        finish(status === undefined ? 'timeout' : statusClass(status));
      }, this.options.deliveryTimeoutMs);
      timer.unref();
      if (signal?.aborted) {
        onAbort();
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      const url = URL.canParse(hook.url) ? new URL(hook.url) : null;
      if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
        // stored before the URL checks existed: nothing is sent to it
        finish('refused destination');
        return;
      }
      resolveDestination(url, this.policy, this.resolve).then(
        (addresses) => {
          if (settled) {
            return;
          }
          try {
            sent = this.post(url, addresses, hook.secret, event, signal, finish);
          } catch (e) {
            finish(failureOf(e), e);
          }
        },
        (e: unknown) => finish(failureOf(e), e),
      );
    });
  }

  /** Sends the request to the pinned addresses; the caller may destroy it or read its status. */
  private post(
    url: URL,
    addresses: LookupAddress[],
    secret: string,
    event: ScimChangeEvent,
    signal: AbortSignal | undefined,
    finish: (failure: WebhookFailure | null, cause?: unknown) => void,
  ): { cancel(): void; status(): number | undefined } {
    const now = Date.now();
    const body = JSON.stringify({ ...event, sentAt: new Date(now).toISOString() });
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    let status: number | undefined;
    const req = request(
      url,
      {
        method: 'POST',
        agent: false,
        lookup: pinnedLookup(addresses),
        signal,
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
          'User-Agent': 'scim-nest-events/1',
          [EVENT_ID_HEADER]: event.id,
          [TIMESTAMP_HEADER]: String(Math.floor(now / 1000)),
          [SIGNATURE_HEADER]: signWebhookBody(secret, body),
        },
      },
      (res) => {
        const answered = res.statusCode ?? 0;
        status = answered;
        // the answer's body is not needed: read and dropped, bounded by the same timeout
        res.resume();
        res.on('end', () => finish(statusClass(answered)));
        res.on('error', () => finish(statusClass(answered)));
        res.on('close', () => finish(statusClass(answered)));
      },
    );
    req.on('error', (e) => finish(status !== undefined ? statusClass(status) : failureOf(e), e));
    req.end(body);
    return { cancel: () => req.destroy(), status: () => status };
  }
}
