import { InitialSchema1763870000000 } from './1763870000000-InitialSchema';
import { DialectProfiles1763880000000 } from './1763880000000-DialectProfiles';
import { Groups1763890000000 } from './1763890000000-Groups';
import { AuditAndRateLimits1763900000000 } from './1763900000000-AuditAndRateLimits';
import { SoftDelete1763910000000 } from './1763910000000-SoftDelete';
import { KeysetIndexes1763920000000 } from './1763920000000-KeysetIndexes';
import { GroupCycles1763930000000 } from './1763930000000-GroupCycles';
import { Outbox1763940000000 } from './1763940000000-Outbox';

import { OutboxLeaseIndex1763950000000 } from './1763950000000-OutboxLeaseIndex';
import { TenantLifecycle1763960000000 } from './1763960000000-TenantLifecycle';
import { ResourceTypes1763970000000 } from './1763970000000-ResourceTypes';
import { NoPadStrings1763980000000 } from './1763980000000-NoPadStrings';
import { OAuthClients1763985000000 } from './1763985000000-OAuthClients';
import { TenantCatalogue1763987000000 } from './1763987000000-TenantCatalogue';
import { OAuthSigningKeys1763990000000 } from './1763990000000-OAuthSigningKeys';
import { TenantTokenPolicy1764000000000 } from './1764000000000-TenantTokenPolicy';
import { OAuthAssertionJtis1764010000000 } from './1764010000000-OAuthAssertionJtis';
import { TenantSwitches1764020000000 } from './1764020000000-TenantSwitches';
import { AuditProfile1764021000000 } from './1764021000000-AuditProfile';
import { AuditError1764030000000 } from './1764030000000-AuditError';

/** Every migration of the module, in order; hosts pass these to their own DataSource. */
export const SCIM_MIGRATIONS = [
  InitialSchema1763870000000,
  DialectProfiles1763880000000,
  Groups1763890000000,
  AuditAndRateLimits1763900000000,
  SoftDelete1763910000000,
  KeysetIndexes1763920000000,
  GroupCycles1763930000000,
  Outbox1763940000000,
  OutboxLeaseIndex1763950000000,
  TenantLifecycle1763960000000,
  ResourceTypes1763970000000,
  NoPadStrings1763980000000,
  OAuthClients1763985000000,
  TenantCatalogue1763987000000,
  OAuthSigningKeys1763990000000,
  TenantTokenPolicy1764000000000,
  OAuthAssertionJtis1764010000000,
  TenantSwitches1764020000000,
  AuditProfile1764021000000,
  AuditError1764030000000,
];
