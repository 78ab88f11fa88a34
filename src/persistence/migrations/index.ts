import { InitialSchema1763870000000 } from './1763870000000-InitialSchema';
import { DialectProfiles1763880000000 } from './1763880000000-DialectProfiles';

/** Every migration of the module, in order; hosts pass these to their own DataSource. */
export const SCIM_MIGRATIONS = [InitialSchema1763870000000, DialectProfiles1763880000000];
