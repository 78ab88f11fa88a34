/**
 * DataSource for the TypeORM CLI (e.g. `npx typeorm migration:show -d dist/ormconfig.js`).
 * The only persistence file that reads the environment.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './src/persistence/data-source.options';

export default new DataSource(
  buildDataSourceOptions({ url: process.env.DATABASE_URL?.trim() || 'sqlite:./data/scim.sqlite' }),
);
