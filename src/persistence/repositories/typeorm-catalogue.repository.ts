import { DataSource, Repository } from 'typeorm';
import {
  CatalogueEntry,
  CatalogueRepository,
  StoredCatalogueEntry,
} from '../../core/ports/catalogue';
import { ScimJson } from '../../core/ports/resource.types';
import { CatalogueValueEntity } from '../entities/catalogue.entity';

/** The tenant catalogue table (scim_catalogue_values), on SQLite and MySQL/MariaDB alike. */
export class TypeOrmCatalogueRepository implements CatalogueRepository {
  private readonly repo: Repository<CatalogueValueEntity>;

  constructor(ds: DataSource) {
    this.repo = ds.getRepository(CatalogueValueEntity);
  }

  async list(tenantId: string, resourceType: string): Promise<StoredCatalogueEntry[]> {
    const rows = await this.repo.find({ where: { tenantId, resourceType }, order: { valueKey: 'ASC' } });
    return rows.map(toEntry);
  }

  async put(tenantId: string, resourceType: string, e: CatalogueEntry, at: string): Promise<StoredCatalogueEntry> {
    const valueKey = e.value.toLowerCase();
    const fields = {
      value: e.value,
      displayName: e.displayName ?? null,
      valueType: e.type ?? null,
      description: e.description ?? null,
      supported: e.supported !== false,
      attributes: e.attributes && Object.keys(e.attributes).length ? JSON.stringify(e.attributes) : null,
      lastModified: at,
    };
    // update-or-insert by primary key, portable across SQLite and MySQL
    return this.repo.manager.transaction(async (m) => {
      const r = m.getRepository(CatalogueValueEntity);
      const key = { tenantId, resourceType, valueKey };
      const current = await r.findOneBy(key);
      if (current) {
        await r.update(key, { ...fields, version: current.version + 1 });
      } else {
        await r.insert({ ...key, ...fields, version: 1, created: e.created ?? at });
      }
      return toEntry((await r.findOneBy(key))!);
    });
  }

  async remove(tenantId: string, resourceType: string, value: string): Promise<boolean> {
    const result = await this.repo.delete({ tenantId, resourceType, valueKey: value.toLowerCase() });
    return (result.affected ?? 0) > 0;
  }
}

function toEntry(r: CatalogueValueEntity): StoredCatalogueEntry {
  return {
    value: r.value,
    ...(r.displayName !== null ? { displayName: r.displayName } : {}),
    ...(r.valueType !== null ? { type: r.valueType } : {}),
    ...(r.description !== null ? { description: r.description } : {}),
    supported: Boolean(r.supported),
    ...(r.attributes ? { attributes: JSON.parse(r.attributes) as ScimJson } : {}),
    version: r.version,
    created: r.created,
    lastModified: r.lastModified,
  };
}
