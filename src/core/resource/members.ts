/**
 * The storage-independent rules of a group's membership (RFC 7643 §4.2 `members`), which every
 * group store applies before it writes: what a member reference may be, how a delta is
 * de-duplicated, and which member sub-attributes a filter may name.
 */
import { ScimError } from '../errors/scim-error';
import { FilterNode } from '../filter/filter.ast';
import { MemberDelta, MemberRef } from '../ports/group.repository';
import { SchemaRegistry } from '../schema/schema.registry';
import { ResourceTypeDefinition } from '../schema/schema.types';

/** longest member id: members reference resource ids, which are at most 36 characters */
export const MAX_MEMBER_ID_LENGTH = 36;

/** A delta whose refs are checked and de-duplicated (first occurrence of an id wins). */
export interface CheckedDelta {
  readonly replaceAll?: MemberRef[];
  readonly add: MemberRef[];
  readonly remove: string[];
  readonly removeAll: boolean;
}

/** Checks member refs before they reach a store (RFC 7643 §4.2 members.value / .type). */
export function uniqueMembers(members: readonly MemberRef[]): MemberRef[] {
  const seen = new Set<string>();
  const out: MemberRef[] = [];
  for (const m of members) {
    const v: unknown = m.value;
    if (typeof v !== 'string' || v.length === 0 || v.length > MAX_MEMBER_ID_LENGTH) {
      throw ScimError.invalidValue(`"${String(m.value)}" is not a valid member id`);
    }
    if (m.type !== 'User' && m.type !== 'Group') {
      throw ScimError.invalidValue(`Member type must be "User" or "Group", not "${String(m.type)}"`);
    }
    if (!seen.has(m.value)) {
      seen.add(m.value);
      out.push({ value: m.value, type: m.type });
    }
  }
  return out;
}

export function checkDelta(d: MemberDelta): CheckedDelta {
  return {
    ...(d.replaceAll ? { replaceAll: uniqueMembers(d.replaceAll) } : {}),
    add: uniqueMembers(d.add),
    // an id that cannot be stored cannot be a member: removing it is a no-op
    // (docs/idp/quirks.md #14)
    remove: [...new Set(d.remove)].filter((v) => typeof v === 'string' && v.length <= MAX_MEMBER_ID_LENGTH),
    removeAll: d.removeAll,
  };
}

/**
 * Refuses filters on `members.display` (computed on read) and `members.$ref` (never stored):
 * only `members.value` and `members.type` are kept per membership (RFC 7644 §3.4.2.2 lets a
 * server refuse a filter it cannot evaluate, with invalidFilter). Answers whether the filter
 * reads `members` at all.
 */
export function checkMembersFilter(
  node: FilterNode,
  registry: SchemaRegistry,
  rt: ResourceTypeDefinition,
  insideMembers = false,
): boolean {
  switch (node.kind) {
    case 'and':
    case 'or': {
      const l = checkMembersFilter(node.left, registry, rt, insideMembers);
      return checkMembersFilter(node.right, registry, rt, insideMembers) || l;
    }
    case 'not':
      return checkMembersFilter(node.filter, registry, rt, insideMembers);
    case 'valuePath': {
      const r = registry.resolve(rt, node.path);
      const members = r !== undefined && !r.extension && r.attribute.name === 'members';
      return checkMembersFilter(node.filter, registry, rt, members) || members;
    }
    case 'present':
    case 'compare': {
      if (insideMembers) {
        checkMemberSub(node.path.attr);
        return true;
      }
      const r = registry.resolve(rt, node.path);
      if (r && !r.extension && r.attribute.name === 'members') {
        if (r.subAttribute) {
          checkMemberSub(r.subAttribute.name);
        }
        return true;
      }
      return false;
    }
  }
}

function checkMemberSub(name: string): void {
  const n = name.toLowerCase();
  if (n !== 'value' && n !== 'type') {
    throw ScimError.invalidFilter(
      `members.${name} cannot be filtered: only members.value and members.type are stored`,
    );
  }
}
