import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CatalogueEntry, CatalogueProvider, readCommitted } from '../scim-nest';
import { LICENSE_SCHEMA_ID } from './license.schema';

/**
 * The host's plans as the values of the `License` catalogue (ScimModule `resourceTypes`,
 * `catalogue.provider`): every tenant sees the same plans, read from `host_plans` on each
 * catalogue request. A plan no longer sold (`is_public` off) is listed as not supported: users
 * who hold it keep it, no one can be assigned it anew.
 */
@Injectable()
export class HostPlanCatalogue implements CatalogueProvider {
  constructor(private readonly ds: DataSource) {}

  async list(): Promise<CatalogueEntry[]> {
    const rows = (await readCommitted(this.ds, (m) =>
      m.query('SELECT code, name, seats, is_public FROM host_plans'),
    )) as Array<{ code: string; name: string; seats: number | string; is_public: unknown }>;
    return rows.map((r) => ({
      value: r.code,
      displayName: r.name,
      type: 'License',
      supported: r.is_public === true || r.is_public === 1 || r.is_public === '1',
      attributes: { [LICENSE_SCHEMA_ID]: { seats: Number(r.seats) } },
    }));
  }
}
