import { InjectionToken, Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AUDIT_OPTIONS, AuditOptions } from '../../audit/audit.options';
import { ScimEventListener } from '../../core/ports/change-event';
import {
  OUTBOX_REPOSITORY,
  OUTBOX_SIGNAL,
  SCIM_EVENT_LISTENERS,
  WEBHOOK_EGRESS_POLICY,
} from '../../core/ports/tokens';
import { EventDispatcher } from '../../events/event-dispatcher.service';
import {
  EVENTS_OPTIONS,
  resolveEgressPolicy,
  resolveEventsOptions,
} from '../../events/events.options';
import { OutboxSignalHub } from '../../events/outbox-signal';
import { WebhookSender } from '../../events/webhook.sender';
import { EgressJwksFetcher } from '../../events/jwks.fetcher';
import { JWKS_FETCHER } from '../../core/ports/client-assertion';
import { TypeOrmOutboxRepository } from '../../persistence/repositories/typeorm-outbox.repository';
import { SCIM_OPTIONS } from '../../scim/di.tokens';
import { ScimModuleOptions, ScimStaticOptions } from '../../scim/scim.options';

/**
 * The outbox, its dispatcher, and the host's listeners: a listener class becomes a provider
 * of this module; `{ useExisting }` names the host's own. SCIM_EVENT_LISTENERS is the list.
 */
export function eventsProviders(statics: ScimStaticOptions): Provider[] {
  const ds = getDataSourceToken(statics.dataSource);
  const listeners = statics.listeners ?? [];
  const classes = [...new Set(listeners.filter((l) => typeof l === 'function'))];
  const tokens: InjectionToken[] = listeners.map((l) => (typeof l === 'function' ? l : l.useExisting));
  return [
    { provide: OUTBOX_SIGNAL, useFactory: () => new OutboxSignalHub() },
    {
      provide: EVENTS_OPTIONS,
      useFactory: (o: ScimModuleOptions, a: AuditOptions) =>
        resolveEventsOptions(o.events, a.retentionDays),
      inject: [SCIM_OPTIONS, AUDIT_OPTIONS],
    },
    // where tenant webhooks may point: checked by TenantService at registration and by
    // WebhookSender on the resolved addresses at delivery
    {
      provide: WEBHOOK_EGRESS_POLICY,
      useFactory: (o: ScimModuleOptions) => resolveEgressPolicy(o.events),
      inject: [SCIM_OPTIONS],
    },
    {
      provide: OUTBOX_REPOSITORY,
      useFactory: (d: DataSource) => new TypeOrmOutboxRepository(d),
      inject: [ds],
    },
    ...classes,
    {
      provide: SCIM_EVENT_LISTENERS,
      useFactory: (...found: ScimEventListener[]) => [...new Set(found)],
      inject: tokens,
    },
    WebhookSender,
    EventDispatcher,
    // a private_key_jwt client's jwks_uri, read under the webhook egress rules
    { provide: JWKS_FETCHER, useClass: EgressJwksFetcher },
  ];
}

export const EVENTS_EXPORTS: InjectionToken[] = [
  OUTBOX_REPOSITORY,
  EVENTS_OPTIONS,
  WEBHOOK_EGRESS_POLICY,
  EventDispatcher,
  JWKS_FETCHER,
  // a host adapter's appendEvents wakes the dispatcher at once instead of at the next poll
  OUTBOX_SIGNAL,
];
