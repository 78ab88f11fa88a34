import { InjectionToken, Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AUDIT_OPTIONS, resolveAuditOptions } from '../../audit/audit.options';
import { AuditService } from '../../audit/audit.service';
import { RateLimitService } from '../../audit/rate-limit.service';
import { RetentionService } from '../../audit/retention.service';
import { AUDIT_REPOSITORY, RATE_LIMIT_REPOSITORY } from '../../core/ports/tokens';
import { TypeOrmAuditRepository } from '../../persistence/repositories/typeorm-audit.repository';
import { TypeOrmRateLimitRepository } from '../../persistence/repositories/typeorm-rate-limit.repository';
import { SCIM_OPTIONS, SCIM_STATIC_OPTIONS } from '../../scim/di.tokens';
import { ScimModuleOptions, ScimStaticOptions } from '../../scim/scim.options';

/** The audit log, per-token rate limits counted in the database, and the retention of both. */
export function auditProviders(statics: ScimStaticOptions): Provider[] {
  const ds = getDataSourceToken(statics.dataSource);
  return [
    {
      provide: AUDIT_OPTIONS,
      useFactory: (o: ScimModuleOptions, s: ScimStaticOptions) => resolveAuditOptions(o, s.path),
      inject: [SCIM_OPTIONS, SCIM_STATIC_OPTIONS],
    },
    {
      provide: AUDIT_REPOSITORY,
      useFactory: (d: DataSource) => new TypeOrmAuditRepository(d),
      inject: [ds],
    },
    {
      provide: RATE_LIMIT_REPOSITORY,
      useFactory: (d: DataSource) => new TypeOrmRateLimitRepository(d),
      inject: [ds],
    },
    AuditService,
    RateLimitService,
    RetentionService,
  ];
}

/** What RequestAuditGuard, RateLimitGuard, the admin API and the CLI inject. */
export const AUDIT_EXPORTS: InjectionToken[] = [
  AUDIT_OPTIONS,
  AUDIT_REPOSITORY,
  RATE_LIMIT_REPOSITORY,
  AuditService,
  RateLimitService,
  RetentionService,
];
