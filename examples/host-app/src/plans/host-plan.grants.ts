import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  ScimChangeEvent,
  ScimEventListener,
  USER_REPOSITORY,
  UserRepository,
  inTransaction,
  readCommitted,
} from '../scim-nest';

/**
 * Grants and revokes plans from SCIM change events (ScimModule `listeners`): when a user's
 * `entitlements` change (or the user is deleted), the user's plan becomes the first of their
 * entitlements that is one of the host's plans, or none. It reads the user's current values,
 * never a delta, so a redelivered or late event leaves the right plan.
 */
@Injectable()
export class HostPlanGrants implements ScimEventListener {
  constructor(
    private readonly ds: DataSource,
    @Inject(USER_REPOSITORY) private readonly users: UserRepository,
  ) {}

  async handle(e: ScimChangeEvent): Promise<void> {
    if (e.resourceType !== 'User' || !(e.operation === 'deleted' || e.changed.includes('entitlements'))) {
      return;
    }
    const user = e.operation === 'deleted' ? null : await this.users.findById(e.tenantId, e.resourceId);
    const held = Array.isArray(user?.resource.entitlements)
      ? (user.resource.entitlements as Array<{ value?: unknown }>).map((i) => i.value).filter((v) => typeof v === 'string')
      : [];
    const plans = new Set(
      ((await readCommitted(this.ds, (m) => m.query('SELECT code FROM host_plans'))) as Array<{ code: string }>).map((r) => r.code),
    );
    const plan = held.find((v) => plans.has(v)) ?? null;
    // a deleted user is unlinked (scim_tenant_id cleared) but keeps its scim_id; the library's
    // transaction takes `?` placeholders on every database (PostgreSQL's driver wants `$1`)
    await inTransaction(this.ds, (qr) =>
      qr.query(
        'UPDATE host_users SET plan_code = ? WHERE scim_id = ? AND (scim_tenant_id = ? OR scim_tenant_id IS NULL)',
        [plan, e.resourceId, e.tenantId],
      ),
    );
  }
}
