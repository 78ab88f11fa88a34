import { Inject, Injectable } from '@nestjs/common';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ScimChangeEvent } from '../core/ports/change-event';
import { TenantWebhook } from '../core/ports/tenant.repository';
import { EVENTS_OPTIONS, EventsOptions } from './events.options';
import {
  EVENT_ID_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  signWebhookBody,
} from './webhook-signature';

/** A delivery that did not get a 2xx: the message is stored as the event's last_error. */
export class WebhookError extends Error {}

/**
 * POSTs one event to a tenant's webhook: JSON body, signed with the tenant's
 * shared secret; a 2xx answer within the delivery timeout is a delivery, anything else
 * (another status, a network error, no answer in time) a failure. Redirects are not followed.
 * Every request uses its own connection, closed afterwards: nothing outlives a delivery.
 */
@Injectable()
export class WebhookSender {
  constructor(@Inject(EVENTS_OPTIONS) private readonly options: EventsOptions) {}

  send(hook: TenantWebhook, event: ScimChangeEvent, signal?: AbortSignal): Promise<void> {
    const now = Date.now();
    const body = JSON.stringify({ ...event, sentAt: new Date(now).toISOString() });
    const url = new URL(hook.url);
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let status: number | undefined;
      const finish = (error?: Error): void => {
        if (settled) {
          return;
        }
        settled = true;
        clearTimeout(timer);
        req.destroy();
        if (error) {
          reject(error);
        } else if (status !== undefined && status >= 200 && status < 300) {
          resolve();
        } else {
          reject(new WebhookError(`webhook answered HTTP ${status ?? '(none)'}`));
        }
      };
      const req = request(
        url,
        {
          method: 'POST',
          agent: false,
          signal,
          headers: {
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(body),
            'User-Agent': 'scim-nest-events/1',
            [EVENT_ID_HEADER]: event.id,
            [TIMESTAMP_HEADER]: String(Math.floor(now / 1000)),
            [SIGNATURE_HEADER]: signWebhookBody(hook.secret, body),
          },
        },
        (res) => {
          status = res.statusCode;
          // the answer's body is not needed: read and dropped, bounded by the same timeout
          res.resume();
          res.on('end', () => finish());
          res.on('error', (e) => finish(status !== undefined ? undefined : e));
          res.on('close', () => finish());
        },
      );
      const timer = setTimeout(
        () =>
          finish(
            status !== undefined
              ? undefined
              : new WebhookError(`webhook gave no answer in ${this.options.deliveryTimeoutMs} ms`),
          ),
        this.options.deliveryTimeoutMs,
      );
      timer.unref();
      req.on('error', (e) => finish(new WebhookError(`webhook not reachable: ${e.message}`)));
      req.end(body);
    });
  }
}
