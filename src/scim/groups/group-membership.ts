import { Inject, Injectable } from '@nestjs/common';
import { ScimError } from '../../core/errors/scim-error';
import { AttributeDelta, DeltaElement } from '../../core/patch/patch.types';
import {
  GroupRepository,
  MemberDelta,
  MemberRef,
  MemberView,
} from '../../core/ports/group.repository';
import { MembershipHookEvent } from '../../core/ports/lifecycle';
import { ScimJson } from '../../core/ports/resource.types';
import { GROUP_REPOSITORY } from '../../core/ports/tokens';
import { RequestContext } from '../http/request-context';
import { hookContext } from '../lifecycle/lifecycle-hooks.service';

/** A member as a client sent it: `type` not yet checked against the member's real type. */
export interface MemberInput {
  readonly value: string;
  readonly type?: string;
}

/** A membership change before the referential checks. */
export interface PendingDelta {
  readonly replaceAll?: readonly MemberInput[];
  readonly add: readonly MemberInput[];
  readonly remove: readonly string[];
  readonly removeAll: boolean;
}
/** members read per query when a whole group is rendered (never one giant query) */
const MEMBER_PAGE = 1000;

/**
 * A group's membership as the Groups service changes it (RFC 7643 §4.2): the referential
 * checks of the members a change adds (they exist, their type is right, no nesting cycle),
 * the membership hook event of a change, and the whole member list when one is needed.
 */
@Injectable()
export class GroupMembership {
  constructor(@Inject(GROUP_REPOSITORY) private readonly groups: GroupRepository) {}

  /**
   * The membership hook event of a delta: added ids as sent; removed ids exact for an explicit
   * remove, else (replace, remove all) computed from the current members, read only if a hook
   * asks (membershipEvent reads them once).
   */
  change(
    ctx: RequestContext,
    id: string,
    doc: ScimJson,
    delta: MemberDelta,
  ): MembershipHookEvent {
    const added = [...(delta.replaceAll ?? []), ...delta.add].map((m) => m.value);
    const removed = async (): Promise<readonly string[]> => {
      if (!delta.replaceAll && !delta.removeAll) {
        return delta.remove;
      }
      const current = (await this.all(ctx.tenantId, id)).map((m) => m.value);
      const kept = new Set(delta.removeAll ? [] : (delta.replaceAll ?? []).map((m) => m.value));
      return current.filter((v) => !kept.has(v));
    };
    return membershipEvent(hookContext(ctx), id, doc, added, removed, false);
  }

  /** Referential checks of the members a delta adds; drops an empty delta. */
  async checkDelta(
    ctx: RequestContext,
    groupId: string,
    d: PendingDelta,
  ): Promise<MemberDelta | undefined> {
    if (!d.replaceAll && !d.add.length && !d.remove.length && !d.removeAll) {
      return undefined;
    }
    const replaceAll = d.replaceAll ? await this.checkMembers(ctx, groupId, d.replaceAll) : undefined;
    const add = d.add.length ? await this.checkMembers(ctx, groupId, d.add) : [];
    return { ...(replaceAll ? { replaceAll } : {}), add, remove: d.remove, removeAll: d.removeAll };
  }

  /**
   * Members must exist in the tenant (400 invalidValue names the unknown ids: a client that
   * adds a member it never created has lost track of state, and a dangling reference would
   * be served as a member that cannot be read); a stated `type` must match; a nested group
   * must not create a cycle.
   */
  async checkMembers(
    ctx: RequestContext,
    groupId: string,
    members: readonly MemberInput[],
  ): Promise<MemberRef[]> {
    if (!members.length) {
      return [];
    }
    const unique = [...new Map(members.map((m) => [m.value, m])).values()];
    const found = await this.groups.resolveMembers(ctx.tenantId, unique.map((m) => m.value));
    const missing = unique.filter((m) => !found.has(m.value)).map((m) => m.value);
    if (missing.length) {
      throw ScimError.invalidValue(
        `members reference unknown ids: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}`,
      );
    }
    const refs: MemberRef[] = [];
    for (const m of unique) {
      const type = found.get(m.value)!;
      if (m.type !== undefined && m.type.toLowerCase() !== type.toLowerCase()) {
        throw ScimError.invalidValue(`member ${m.value} is a ${type}, not a ${m.type}`);
      }
      if (
        type === 'Group' &&
        (m.value === groupId ||
          (!ctx.allowGroupCycles && (await this.groups.wouldCreateCycle(ctx.tenantId, groupId, m.value))))
      ) {
        throw ScimError.invalidValue(`adding group ${m.value} as a member would create a cycle`);
      }
      refs.push({ value: m.value, type });
    }
    return refs;
  }

  /** every member of the group, read a page at a time (never one giant query) */
  async all(tenantId: string, id: string): Promise<MemberView[]> {
    const out: MemberView[] = [];
    let after: string | undefined;
    do {
      const page = await this.groups.listMembers(tenantId, id, MEMBER_PAGE, after);
      out.push(...page.members);
      after = page.next;
    } while (after !== undefined);
    return out;
  }
}

/** The group document without members, and the members as sent. */
export function splitMembers(resource: ScimJson): { doc: ScimJson; members: MemberInput[] } {
  const { members, ...doc } = resource;
  return { doc, members: asElements(members) };
}

export function asElements(members: unknown): MemberInput[] {
  if (!Array.isArray(members)) {
    return [];
  }
  return members
    .filter((m): m is Record<string, unknown> => m !== null && typeof m === 'object')
    .map((m) => {
      if (typeof m.value !== 'string' || m.value === '') {
        throw ScimError.invalidValue('every member needs a "value" (the member\'s id)');
      }
      return { value: m.value, ...(typeof m.type === 'string' ? { type: m.type } : {}) };
    });
}

export function toMemberDelta(d: AttributeDelta): PendingDelta {
  const refs = (els: readonly DeltaElement[]): MemberInput[] =>
    els.map((e) => ({ value: e.value, ...(e.type ? { type: e.type } : {}) }));
  return {
    ...(d.replaceAll ? { replaceAll: refs(d.replaceAll) } : {}),
    add: refs(d.add),
    remove: d.remove,
    removeAll: d.removeAll,
  };
}

export function membershipEvent(
  ctx: MembershipHookEvent['ctx'],
  groupId: string,
  group: ScimJson,
  added: readonly string[],
  removed: () => Promise<readonly string[]>,
  groupDeleted: boolean,
): MembershipHookEvent {
  let once: Promise<readonly string[]> | undefined;
  return { ctx, groupId, group, added, removed: () => (once ??= removed()), groupDeleted };
}
