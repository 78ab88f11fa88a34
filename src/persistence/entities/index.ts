import { RoleMappingEntity, TenantEntity } from './tenant.entity';
import { TokenEntity } from './token.entity';
import { UserEntity, UserValueEntity } from './user.entity';
import { GroupEntity, GroupMemberEntity } from './group.entity';
import { AuditEntity, RateLimitEntity } from './audit.entity';
import { OutboxEntity } from './outbox.entity';
import { ResourceEntity, ResourceValueEntity } from './resource.entity';

export {
  TenantEntity,
  RoleMappingEntity,
  TokenEntity,
  UserEntity,
  UserValueEntity,
  GroupEntity,
  GroupMemberEntity,
  AuditEntity,
  RateLimitEntity,
  OutboxEntity,
  ResourceEntity,
  ResourceValueEntity,
};

/** Every entity of the module; hosts without autoLoadEntities list these in their DataSource. */
export const SCIM_ENTITIES = [
  TenantEntity,
  RoleMappingEntity,
  TokenEntity,
  UserEntity,
  UserValueEntity,
  GroupEntity,
  GroupMemberEntity,
  AuditEntity,
  RateLimitEntity,
  OutboxEntity,
  ResourceEntity,
  ResourceValueEntity,
];
