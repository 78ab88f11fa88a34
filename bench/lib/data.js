'use strict';
/** The documents the bench sends and seeds: one Okta-shaped User per index. */

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

const userName = (i) => `bench.user.${i}@bench.example`;
const externalId = (i) => `ext-${i}`;

/**
 * Seeded user i, in the attribute order the server's normalizer keeps (checked at start-up
 * against dist/src/core/resource/resource.normalizer.js when sql seeding).
 * No password: a scrypt hash per create would measure scrypt, not the server.
 */
function userBody(i, name = userName(i), ext = externalId(i)) {
  return {
    schemas: [USER_SCHEMA],
    userName: name,
    name: { givenName: `Given${i}`, familyName: `Family${i}` },
    emails: [{ primary: true, value: name, type: 'work' }],
    displayName: `Bench User ${i}`,
    locale: 'en-US',
    externalId: ext,
    active: true,
  };
}

/** The PUT body: the same user with a changed displayName / title. */
function putBody(i, round) {
  return { ...userBody(i), displayName: `Bench User ${i} r${round}`, title: `Title ${round}` };
}

module.exports = { USER_SCHEMA, GROUP_SCHEMA, PATCH_OP, BULK_REQUEST, userName, externalId, userBody, putBody };
