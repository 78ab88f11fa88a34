import { Inject, Injectable, Logger } from '@nestjs/common';
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
import { StoredResource } from '../../core/ports/resource.types';
import { RequestContext } from '../http/request-context';
import { LifecycleHooks, hookContext } from '../lifecycle/lifecycle-hooks.service';
import { DetachedAttribute, DetachedChange, DetachedInput, HookBracket } from '../resources/detached-attribute';

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
 * A group's `members` (RFC 7643 §4.2) as the one resource service changes them: kept apart
 * from the document, so membership changes are set operations that cost the members changed
 * and reads that exclude `members` never touch the membership table (docs/idp/quirks.md #6,
 * #22, #31). Here: the referential checks of the members a change adds (they exist, their
 * type is right, no nesting cycle), the membership hook events, and the whole member list
 * when one is needed.
 */
@Injectable()
export class GroupMembership implements DetachedAttribute<readonly MemberRef[], MemberDelta> {
  readonly name = 'members';
  private readonly logger = new Logger('GroupMembership');

  constructor(
    @Inject(GROUP_REPOSITORY) private readonly groups: GroupRepository,
    private readonly hooks: LifecycleHooks,
  ) {}

  hooked(): boolean {
    return this.hooks.has('beforeMembershipChange') || this.hooks.has('afterMembershipChange');
  }

  async created(ctx: RequestContext, id: string, doc: ScimJson, values: unknown): Promise<DetachedChange<readonly MemberRef[]>> {
    const refs = await this.checkMembers(ctx, id, asElements(values));
    const event =
      refs.length && this.hooked()
        ? membershipEvent(hookContext(ctx), id, doc, refs.map((r) => r.value), async () => [], false)
        : undefined;
    // the store adds a members-added event for the initial members
    return { value: refs, nonEmpty: refs.length > 0, hooks: event && this.bracket(event) };
  }

  async changed(ctx: RequestContext, id: string, doc: ScimJson, input: DetachedInput): Promise<DetachedChange<MemberDelta> | undefined> {
    let pending: PendingDelta;
    if ('replaceAll' in input) {
      pending = { replaceAll: asElements(input.replaceAll), add: [], remove: [], removeAll: false };
    } else {
      pending = toMemberDelta(input.delta);
      if (pending.removeAll) {
        this.logger.warn(`PATCH /Groups/${id} removed every member (explicit remove of members)`);
      }
    }
    const delta = await this.checkDelta(ctx, id, pending);
    if (!delta) {
      return undefined;
    }
    // the store adds members-removed / members-added events for what the delta really changed
    return { value: delta, nonEmpty: true, hooks: this.hooked() ? this.bracket(this.change(ctx, id, doc, delta)) : undefined };
  }

  /** every member leaves with the group */
  deleted(ctx: RequestContext, id: string, current: StoredResource): HookBracket {
    const all = async () => (await this.all(ctx.tenantId, id)).map((m) => m.value);
    return this.bracket(membershipEvent(hookContext(ctx), id, current.resource, [], all, true));
  }

  wire(values: readonly unknown[], ctx: RequestContext): ScimJson[] {
    return (values as MemberView[]).map((m) => ({
      value: m.value,
      $ref: `${ctx.baseUrl}/${m.type === 'Group' ? 'Groups' : 'Users'}/${m.value}`,
      ...(m.display !== undefined ? { display: m.display } : {}),
      type: m.type,
    }));
  }

  private bracket(event: MembershipHookEvent): HookBracket {
    return {
      before: () => this.hooks.beforeMembershipChange(event),
      after: () => this.hooks.afterMembershipChange(event),
    };
  }

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
