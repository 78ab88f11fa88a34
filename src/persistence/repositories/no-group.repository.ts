import { ScimError } from '../../core/errors/scim-error';
import {
  GroupOfMember,
  GroupRepository,
  MemberPage,
  MemberType,
} from '../../core/ports/group.repository';
import { ResourcePage, StoredResource } from '../../core/ports/resource.types';

/**
 * The group store when Groups are not served (and the host supplies none): a user belongs to
 * no group, and nothing reads or writes scim_groups. Only UsersService reaches it (the readOnly
 * `groups` attribute, leaving groups on delete); the writes are unreachable without /Groups.
 */
export class NoGroupRepository implements GroupRepository {
  findById(): Promise<StoredResource | null> {
    return Promise.resolve(null);
  }
  search(): Promise<ResourcePage> {
    return Promise.resolve({ total: 0, items: [] });
  }
  create(): Promise<StoredResource> {
    return Promise.reject(ScimError.notFound('Groups are not served by this server'));
  }
  update(): Promise<StoredResource> {
    return Promise.reject(ScimError.notFound('Groups are not served by this server'));
  }
  delete(): Promise<boolean> {
    return Promise.resolve(false);
  }
  listMembers(): Promise<MemberPage> {
    return Promise.resolve({ members: [] });
  }
  resolveMembers(): Promise<Map<string, MemberType>> {
    return Promise.resolve(new Map());
  }
  wouldCreateCycle(): Promise<boolean> {
    return Promise.resolve(false);
  }
  groupsOf(): Promise<GroupOfMember[]> {
    return Promise.resolve([]);
  }
  groupsOfMany(): Promise<Map<string, GroupOfMember[]>> {
    return Promise.resolve(new Map());
  }
  removeMemberEverywhere(): Promise<void> {
    return Promise.resolve();
  }
}
