import { FilterIndexes } from './filter.cost';

/** What the built-in scim_users table filters on with an index (its descriptor's filterIndexes). */
export const USER_INDEXES: FilterIndexes = {
  indexed: [
    'id',
    'userName',
    'externalId',
    'displayName',
    'active',
    'meta.created',
    'meta.lastModified',
    'emails.value',
    'phoneNumbers.value',
    'ims.value',
    'photos.value',
    'entitlements.value',
    'roles.value',
    'x509Certificates.value',
  ],
};
