import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { MAX_AUDIT_ERROR_DETAIL } from '../../core/ports/audit.repository';
import { columnKit } from './1763870000000-InitialSchema';
import { exactCollation } from './1763980000000-NoPadStrings';

/**
 * `scim_audit.error_status`, `error_scim_type`, `error_detail`: the SCIM error (RFC 7644
 * §3.12) a refused request was answered with, next to its redacted body, so that the log
 * answers why it was refused; null for a request answered without an error. No index: the log
 * is read by tenant and time.
 */
export class AuditError1764030000000 implements MigrationInterface {
  name = 'AuditError1764030000000';

  async up(q: QueryRunner): Promise<void> {
    // after the NO PAD conversion: the columns compare as every other string column does
    const kit = columnKit(q, (await exactCollation(q)) ?? undefined);
    await q.addColumns('scim_audit', [
      new TableColumn({ name: 'error_status', type: 'integer', isNullable: true }),
      new TableColumn(kit.str('error_scim_type', 32, { isNullable: true })),
      new TableColumn(kit.str('error_detail', MAX_AUDIT_ERROR_DETAIL, { isNullable: true })),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumns('scim_audit', ['error_detail', 'error_scim_type', 'error_status']);
  }
}
