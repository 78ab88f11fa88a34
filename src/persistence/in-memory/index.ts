/** In-memory implementations of the persistence ports (service unit tests, demos). */
export { InMemoryTenantRepository } from './in-memory-tenant.repository';
export { InMemoryTokenRepository } from './in-memory-token.repository';
export { InMemoryUserRepository } from './in-memory-user.repository';
export { InMemoryGroupRepository } from './in-memory-group.repository';
