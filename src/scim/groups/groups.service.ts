import { Inject, Injectable } from '@nestjs/common';
import { GroupRepository, MemberDelta, MemberRef } from '../../core/ports/group.repository';
import { GROUP_REPOSITORY } from '../../core/ports/tokens';
import { ProjectionQueryDto } from '../http/list-query.dto';
import { ResourcePipeline } from '../resources/resource.pipeline';
import { ResourceService, ResourceStrategy } from '../resources/resource.service';
import { ServiceStore } from '../resources/service-store';
import { GroupMembership } from './group-membership';

/**
 * Groups (RFC 7643 §4.2): the one resource service, with `members` kept apart from the
 * document (GroupMembership) and a PATCH that answers 204 unless the client asks for
 * attributes.
 */
@Injectable()
export class GroupsService extends ResourceService<readonly MemberRef[], MemberDelta> {
  constructor(
    @Inject(GROUP_REPOSITORY) groups: GroupRepository,
    p: ResourcePipeline,
    members: GroupMembership,
  ) {
    super(p.registry.resourceType('Group'), groupStore(groups), p, groupStrategy(members));
  }
}

function groupStrategy(members: GroupMembership): ResourceStrategy<readonly MemberRef[], MemberDelta> {
  return {
    detached: members,
    // RFC 7644 §3.5.2: 200 with the resource, or 204. A group can hold 100,000 members, and
    // both Okta and Entra accept 204 for a group PATCH (docs/idp/quirks.md #21, #31): 204
    // unless the client asks for attributes (then 200, projected).
    patchAnswersBody: (proj: ProjectionQueryDto) =>
      (proj.attributes !== undefined && proj.attributes.trim() !== '') || proj.excludedAttributes !== undefined,
  };
}

/** The group repository as the resource service calls it: members read only when asked for. */
function groupStore(groups: GroupRepository): ServiceStore<readonly MemberRef[], MemberDelta> {
  return {
    ...(groups.withWriteLock ? { withWriteLock: groups.withWriteLock.bind(groups) } : {}),
    ...(groups.filterIndexes ? { filterIndexes: groups.filterIndexes } : {}),
    findById: (tenantId, id) => groups.findById(tenantId, id, false),
    search: (tenantId, query, withMembers) => groups.search(tenantId, query, withMembers === true),
    // GroupMembership's checked member refs (create) and delta (update) are the `detached` values
    create: (tenantId, { detached, ...group }, events) => groups.create(tenantId, { ...group, members: detached ?? [] }, events),
    update: (tenantId, id, { detached, ...update }, events) => groups.update(tenantId, id, { ...update, members: detached }, events),
    // groups leave no tombstone: a deleted group's members are gone with it
    delete: (tenantId, id, _soft, events) => groups.delete(tenantId, id, events),
  };
}
