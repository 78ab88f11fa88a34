import type { Type } from '@nestjs/common';
import { ALL_SCOPES } from '../../core/ports/token.repository';
import type { ScimJson } from '../../core/ports/resource.types';
import type { Tenant } from '../../core/ports/tenant.repository';
import { TenantAdminService, TenantService } from '../../library';
import type { ListQueryDto } from '../../scim/http/list-query.dto';
import type { RequestContext } from '../../scim/http/request-context';
import type { ScimResourceService } from '../../scim/resources/resource-service';
import { GroupsService } from '../../scim/groups/groups.service';
import { UsersService } from '../../scim/users/users.service';
import { flag, intFlag, requiredFlag } from './cli.args';
import type { CommandName } from './cli.commands';
import type { CliContext, CommandHandler } from './cli.context';
import { cell, err, jsonLine, jsonLines, out, table } from './cli.output';

/**
 * The context of the CLI's reads: the tenant's, as a request with a read-only token would
 * have it. meta.location is built from SCIM_BASE_URL, else from HOST, PORT and SCIM_BASE_PATH.
 */
function readContext(c: CliContext, tenant: Tenant): RequestContext {
  const { config } = c;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  return {
    tenantId: tenant.id,
    tokenId: 'cli',
    scopes: new Set(ALL_SCOPES.filter((s) => s.endsWith(':read'))),
    baseUrl: (config.baseUrl ?? `http://${host}:${config.port}/${config.basePath}`).replace(/\/+$/, ''),
  };
}

/** The service of `type`, or undefined when the server does not serve its resource type. */
function servedOrNot(c: CliContext, type: Type<ScimResourceService>): ScimResourceService | undefined {
  try {
    return c.get(type);
  } catch {
    return undefined;
  }
}

function serviceOf(c: CliContext, type: Type<ScimResourceService>, what: string): ScimResourceService {
  const service = servedOrNot(c, type);
  if (!service) {
    throw new Error(`This server does not serve ${what}`);
  }
  return service;
}

/** How many users and groups the tenant has (for `tenant delete`), through the SCIM search path. */
export async function countResources(c: CliContext, tenant: Tenant): Promise<{ users: number; groups: number }> {
  const ctx = readContext(c, tenant);
  const total = async (type: Type<ScimResourceService>) =>
    (await servedOrNot(c, type)?.list({ count: 0 }, ctx))?.totalResults ?? 0;
  return { users: await total(UsersService), groups: await total(GroupsService) };
}

/**
 * `users list` / `groups list`: one page of the tenant's resources, the filter parsed,
 * checked and compiled to SQL by the same path as GET /Users?filter= (a bad one is
 * `invalidFilter` with the same detail).
 */
function listCommand(type: Type<ScimResourceService>, what: 'users' | 'groups', columns: (r: ScimJson) => Record<string, unknown>): CommandHandler {
  return async (c) => {
    const slug = requiredFlag(c.args, 'tenant');
    const tenant = await c.get(TenantService).getTenant(slug);
    const query: ListQueryDto = {
      filter: flag(c.args, 'filter'),
      count: intFlag(c.args, 'count', Math.min(100, c.config.maxResults), 0, c.config.maxResults),
      startIndex: intFlag(c.args, 'start-index', 1, 1, 1_000_000_000),
      // a group's members can be many: `groups show` has them
      ...(what === 'groups' ? { excludedAttributes: 'members' } : {}),
    };
    const page = await serviceOf(c, type, what).list(query, readContext(c, tenant));
    if (c.json) {
      jsonLines(page.Resources);
    } else {
      out(table(page.Resources.map(columns)));
    }
    err(
      `${page.Resources.length} of ${page.totalResults ?? '?'} ${what} of tenant "${slug}"` +
        (query.filter ? ` matching ${query.filter}` : '') +
        (page.startIndex && page.startIndex > 1 ? `, from ${page.startIndex}` : ''),
    );
  };
}

/** `users show` / `groups show`: the SCIM resource (RFC 7643) as GET /Users/{id} answers it. */
function showCommand(type: Type<ScimResourceService>, what: 'users' | 'groups'): CommandHandler {
  return async (c) => {
    const tenant = await c.get(TenantService).getTenant(requiredFlag(c.args, 'tenant'));
    const result = await serviceOf(c, type, what).get(c.args.positionals[0], {}, readContext(c, tenant));
    const body = result.kind === 'resource' ? result.body : undefined;
    if (c.json) {
      jsonLine(body);
    } else {
      out(JSON.stringify(body, null, 2));
    }
  };
}

const text = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v));
const metaOf = (r: ScimJson) => (r.meta ?? {}) as { lastModified?: string };

export const RESOURCE_COMMANDS = {
  'users list': listCommand(UsersService, 'users', (r) => ({
    id: r.id,
    userName: cell(text(r.userName), 60),
    displayName: cell(text(r.displayName ?? (r.name as { formatted?: string } | undefined)?.formatted), 40),
    active: r.active === undefined ? '' : String(r.active),
    externalId: cell(text(r.externalId), 40),
    lastModified: metaOf(r).lastModified ?? '',
  })),
  'users show': showCommand(UsersService, 'users'),
  'groups list': listCommand(GroupsService, 'groups', (r) => ({
    id: r.id,
    displayName: cell(text(r.displayName), 60),
    externalId: cell(text(r.externalId), 40),
    lastModified: metaOf(r).lastModified ?? '',
  })),
  'groups show': showCommand(GroupsService, 'groups'),

  // host users no IdP manages (the built-in store has none)
  'users unlinked': async (c) => {
    const tenant = requiredFlag(c.args, 'tenant');
    const found = await c.get(TenantAdminService).unlinkedUsers(tenant, {
      offset: intFlag(c.args, 'offset', 0, 0, 1_000_000_000),
      limit: intFlag(c.args, 'limit', 100, 1, 1000),
    });
    if (c.json) {
      jsonLines(found.items);
    } else {
      out(
        table(
          found.items.map((u) => ({
            hostId: u.hostId,
            email: u.email ?? '',
            displayName: u.displayName ?? '',
            created: u.createdAt ?? '',
          })),
        ),
      );
    }
    err(
      found.supported
        ? `${found.items.length} of ${found.total} unlinked users of tenant "${tenant}"`
        : 'This server keeps only SCIM-provisioned users, so none is unlinked (a host application lists its own through its user adapter)',
    );
  },
} satisfies Partial<Record<CommandName, CommandHandler>>;
