import { RoleMappingEntity, TenantEntity } from './tenant.entity';
import { TokenEntity } from './token.entity';
import { UserEntity, UserValueEntity } from './user.entity';
import { GroupEntity, GroupMemberEntity } from './group.entity';
import { AuditEntity, RateLimitEntity } from './audit.entity';
import { OutboxEntity } from './outbox.entity';
import { ResourceEntity, ResourceValueEntity } from './resource.entity';
import { CatalogueValueEntity } from './catalogue.entity';
import {
  OAuthAssertionJtiEntity,
  OAuthClientEntity,
  OAuthClientSecretEntity,
  OAuthSigningKeyEntity,
} from './oauth.entity';

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
  CatalogueValueEntity,
  OAuthClientEntity,
  OAuthClientSecretEntity,
  OAuthSigningKeyEntity,
  OAuthAssertionJtiEntity,
};

/**
 * Every entity of the module; hosts without autoLoadEntities list these in their DataSource.
 * The schema comes from SCIM_MIGRATIONS, never from `synchronize`: the string columns' collation
 * (exact, trailing spaces included: NoPadStrings) depends on the server (MariaDB or MySQL), which
 * an entity cannot say; test/integration/string-collations.int-spec.ts checks every string column
 * declared here has it.
 */
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
  CatalogueValueEntity,
  OAuthClientEntity,
  OAuthClientSecretEntity,
  OAuthSigningKeyEntity,
  OAuthAssertionJtiEntity,
];
