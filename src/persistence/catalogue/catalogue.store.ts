import { ScimError } from '../../core/errors/scim-error';
import { createFilterMatcher } from '../../core/filter/filter.evaluator';
import { CatalogueEntry, CatalogueProvider, catalogueValueProblem } from '../../core/ports/catalogue';
import { ResourceStore } from '../../core/ports/resource.store';
import {
  NewResource,
  ResourcePage,
  ResourceQuery,
  ResourceUpdate,
  ScimJson,
  StoredResource,
} from '../../core/ports/resource.types';
import { TenantRepository } from '../../core/ports/tenant.repository';
import { parseAttrPath } from '../../core/schema/attr-path';
import { catalogueKindOf } from '../../core/schema/catalogue.schema';
import { SchemaRegistry } from '../../core/schema/schema.registry';
import { ResourceTypeDefinition } from '../../core/schema/schema.types';
import { compareCodePoints, jsonCopy, singularSortKey, sortRows } from '../in-memory/in-memory-store.util';

/** When a tenant cannot be read (it was just deleted), the catalogue's resources were created at this time. */
const EPOCH = '1970-01-01T00:00:00.000Z';

/** the attributes of an entry the store writes itself */
const OWN = ['schemas', 'id', 'meta', 'value', 'displayName', 'display', 'type', 'description', 'supported'];

export interface CatalogueStoreOptions {
  /** the type accepts writes from SCIM clients (its provider then has save and remove) */
  readonly writable: boolean;
  /** told once about each entry the provider gave that cannot be served (bad value, duplicate) */
  readonly warn?: (message: string) => void;
}

interface Row {
  readonly seq: number;
  readonly stored: StoredResource;
}

/**
 * The store of a catalogue resource type (Okta's Role / Entitlement, a host's License): the
 * tenant's values as its CatalogueProvider lists them, each a resource whose id is its value.
 * Reads filter with the core's evaluator, sort and page as the SQL stores do (index paging, and
 * RFC 9865 cursors as positions in value order); writes go to the provider when the type is
 * writable, and are otherwise 405 Method Not Allowed with `Allow: GET`.
 */
export class CatalogueStore implements ResourceStore {
  private readonly rt: ResourceTypeDefinition;
  private readonly defaultType: string | undefined;
  private readonly warned = new Set<string>();

  constructor(
    private readonly registry: SchemaRegistry,
    private readonly resourceType: string,
    private readonly provider: CatalogueProvider,
    private readonly tenants: TenantRepository,
    private readonly options: CatalogueStoreOptions,
  ) {
    this.rt = registry.resourceType(resourceType);
    // a catalogue named apart from its kind labels its values with its name (Okta's `Profile`)
    const kind = catalogueKindOf(this.rt.schema);
    this.defaultType = kind === resourceType ? undefined : resourceType;
  }

  /** The tenant's catalogue as resources, in value order (code points); unusable entries left out. */
  async resources(tenantId: string): Promise<StoredResource[]> {
    return (await this.rows(tenantId)).map((r) => r.stored);
  }

  async findById(tenantId: string, id: string): Promise<StoredResource | null> {
    return (await this.resources(tenantId)).find((s) => s.id === id) ?? null;
  }

  async findByIds(tenantId: string, ids: readonly string[]): Promise<StoredResource[]> {
    const wanted = new Set(ids);
    return (await this.resources(tenantId)).filter((s) => wanted.has(s.id));
  }

  async search(tenantId: string, q: ResourceQuery): Promise<ResourcePage> {
    let rows = await this.rows(tenantId);
    if (q.filter) {
      const matches = createFilterMatcher(q.filter, this.registry, this.rt);
      rows = rows.filter((r) => matches(this.view(r.stored)));
    }
    const total = q.withTotal === false ? undefined : rows.length;
    if (q.keyset) {
      return { total, ...this.keysetPage(rows, q.keyset, q.count) };
    }
    if (q.count === 0 || q.startIndex > rows.length) {
      return { total, items: [] };
    }
    const key = q.sortBy ? this.sortKey(q.sortBy) : undefined;
    const from = Math.max(0, q.startIndex - 1);
    const sorted = sortRows(rows, q.sortOrder === 'descending', key && ((r: Row) => key(this.view(r.stored))));
    return { total, items: sorted.slice(from, from + q.count).map((r) => r.stored) };
  }

  async create(tenantId: string, r: NewResource): Promise<StoredResource> {
    const save = this.writer('create');
    const entry = this.entryOf(r.resource);
    const key = entry.value.toLowerCase();
    if ((await this.resources(tenantId)).some((s) => s.id.toLowerCase() === key)) {
      throw ScimError.uniqueness(`${this.resourceType} "${entry.value}" already exists`);
    }
    await save(tenantId, entry, r.created);
    return this.mustFind(tenantId, entry.value);
  }

  async update(tenantId: string, id: string, u: ResourceUpdate): Promise<StoredResource> {
    const save = this.writer('replace');
    const current = await this.findById(tenantId, id);
    if (!current) {
      throw ScimError.notFound(`${this.resourceType} ${id} not found`);
    }
    if (u.expectedVersion !== undefined && u.expectedVersion !== current.version) {
      throw ScimError.preconditionFailed(`${this.resourceType} ${id} was modified concurrently`);
    }
    if (!u.resource) {
      return current;
    }
    const entry = this.entryOf(u.resource);
    if (entry.value !== id) {
      throw ScimError.mutability(`value is the ${this.resourceType}'s id and cannot change`);
    }
    await save(tenantId, { ...entry, created: current.created }, u.lastModified);
    return this.mustFind(tenantId, id);
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    this.writer('delete');
    return this.provider.remove!(tenantId, this.resourceType, id);
  }

  /** the provider's save, or 405 while the type is read-only */
  private writer(verb: string): (tenantId: string, entry: CatalogueEntry, at: string) => Promise<void> {
    if (!this.options.writable || !this.provider.save || !this.provider.remove) {
      throw readOnlyCatalogue(this.resourceType, verb);
    }
    const save = this.provider.save.bind(this.provider);
    return (tenantId, entry, at) => save(tenantId, this.resourceType, entry, at);
  }

  private async mustFind(tenantId: string, id: string): Promise<StoredResource> {
    const found = await this.findById(tenantId, id);
    if (!found) {
      throw new Error(`The catalogue provider of ${this.resourceType} did not keep "${id}"`);
    }
    return found;
  }

  private async rows(tenantId: string): Promise<Row[]> {
    const [entries, tenant] = await Promise.all([
      this.provider.list(tenantId, this.resourceType),
      this.tenants.findById(tenantId),
    ]);
    const since = tenant?.createdAt ?? EPOCH;
    const seen = new Set<string>();
    const kept: StoredResource[] = [];
    for (const e of entries) {
      const problem = catalogueValueProblem(e?.value);
      const key = problem ? undefined : e.value.toLowerCase();
      if (key === undefined || seen.has(key)) {
        this.warnOnce(`${this.resourceType} entry ${JSON.stringify(String(e?.value)).slice(0, 80)}`, problem ?? 'is listed twice');
        continue;
      }
      seen.add(key);
      kept.push(this.toStored(tenantId, e, since));
    }
    kept.sort((a, b) => compareCodePoints(a.id, b.id));
    return kept.map((stored, seq) => ({ seq, stored }));
  }

  private toStored(tenantId: string, e: CatalogueEntry, since: string): StoredResource {
    const extra = e.attributes && typeof e.attributes === 'object' ? jsonCopy(e.attributes) : {};
    for (const k of OWN) {
      delete extra[k];
    }
    const name = e.displayName ?? e.value;
    const type = e.type ?? this.defaultType;
    const body: ScimJson = {
      value: e.value,
      displayName: name,
      display: name,
      ...(type !== undefined ? { type } : {}),
      ...(e.description !== undefined ? { description: e.description } : {}),
      supported: e.supported !== false,
      ...extra,
    };
    const extensions = this.rt.schemaExtensions.map((x) => x.schema).filter((id) => body[id] !== undefined);
    const resource = { schemas: [this.rt.schema, ...extensions], ...body };
    const created = e.created ?? since;
    return {
      id: e.value,
      tenantId,
      resource,
      version: e.version ?? contentVersion(resource),
      created,
      lastModified: e.lastModified ?? created,
    };
  }

  /** A resource body (already checked against the schemas) as an entry for the provider. */
  private entryOf(resource: ScimJson): CatalogueEntry {
    const problem = catalogueValueProblem(resource.value);
    if (problem) {
      throw ScimError.invalidValue(`${this.resourceType} value ${problem}`);
    }
    const text = (k: string) => (typeof resource[k] === 'string' ? (resource[k] as string) : undefined);
    const attributes: ScimJson = {};
    for (const [k, v] of Object.entries(resource)) {
      if (!OWN.includes(k)) {
        attributes[k] = v;
      }
    }
    const displayName = text('displayName') ?? text('display');
    return {
      value: resource.value as string,
      ...(displayName !== undefined ? { displayName } : {}),
      ...(text('type') !== undefined ? { type: text('type') } : {}),
      ...(text('description') !== undefined ? { description: text('description') } : {}),
      ...(typeof resource.supported === 'boolean' ? { supported: resource.supported } : {}),
      ...(Object.keys(attributes).length ? { attributes } : {}),
    };
  }

  /** what filters and sortBy see: the resource with its id and meta (RFC 7644 §3.4.2.2) */
  private view(s: StoredResource): ScimJson {
    return {
      ...s.resource,
      id: s.id,
      meta: { resourceType: this.resourceType, created: s.created, lastModified: s.lastModified, version: `W/"${s.version}"` },
    };
  }

  private sortKey(sortBy: string): (view: ScimJson) => null | number | string {
    const path = parseAttrPath(sortBy);
    const resolved = path ? this.registry.resolve(this.rt, path) : undefined;
    if (!resolved) {
      throw ScimError.invalidValue(`sortBy "${sortBy}" is not an attribute of ${this.resourceType}`);
    }
    const def = resolved.subAttribute ?? resolved.attribute;
    if (resolved.attribute.multiValued || def.type === 'complex') {
      throw ScimError.invalidValue(`sortBy "${sortBy}" must name a singular attribute`);
    }
    return singularSortKey(resolved);
  }

  /**
   * RFC 9865 cursors: the page after / before a position in value order (cursor keys are row
   * numbers). A catalogue changed between two pages may repeat or skip a value at the seam.
   */
  private keysetPage(rows: Row[], keyset: { after?: string; before?: string }, count: number): Omit<ResourcePage, 'total'> {
    let page: Row[];
    let hasNext: boolean;
    let hasPrevious: boolean;
    if (keyset.before !== undefined) {
      const before = rows.filter((r) => r.seq < Number(keyset.before));
      page = count === 0 ? [] : before.slice(-count);
      hasNext = true;
      hasPrevious = before.length > count;
    } else {
      const after = keyset.after === undefined ? rows : rows.filter((r) => r.seq > Number(keyset.after));
      page = after.slice(0, count);
      hasNext = after.length > count;
      hasPrevious = keyset.after !== undefined;
    }
    return {
      items: page.map((r) => r.stored),
      ...(page.length ? { keys: { first: String(page[0].seq), last: String(page[page.length - 1].seq) } } : {}),
      hasNext,
      hasPrevious,
    };
  }

  private warnOnce(what: string, problem: string): void {
    const key = `${what} ${problem}`;
    if (this.warned.size < 1000 && !this.warned.has(key)) {
      this.warned.add(key);
      this.options.warn?.(`${what} is not served: it ${problem}`);
    }
  }
}

/**
 * A write to a catalogue type that does not accept them: 405 with `Allow: GET`. Not 403 (no
 * other credential would be allowed it) and not RFC 7644 §3.12's 501, which IdPs retry as a
 * server fault; the draft's catalogue attributes are readOnly, so a client has no reason to retry.
 */
export function readOnlyCatalogue(resourceType: string, verb: string): ScimError {
  return ScimError.methodNotAllowed(
    `${resourceType} resources are read-only here: the catalogue is managed by the service provider (cannot ${verb})`,
    ['GET'],
  );
}

/** A positive 31-bit FNV-1a hash of the resource: its version changes when its content does. */
function contentVersion(resource: ScimJson): number {
  let h = 0x811c9dc5;
  for (const ch of JSON.stringify(resource)) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 1) || 1;
}
