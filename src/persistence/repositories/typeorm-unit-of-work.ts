import { DataSource } from 'typeorm';
import { UnitOfWork } from '../../core/ports/unit-of-work';
import { inTransaction } from './sql-transaction';

/**
 * The unit of work on the module's DataSource: one write transaction (BEGIN IMMEDIATE on
 * SQLite, a pooled connection on MySQL/MariaDB) opened as the ambient transaction of this
 * async context (sql-transaction.ts), which every store write, row lock, committed read and
 * outbox append made by the work joins. The outbox is told of new events only after COMMIT.
 */
export class TypeOrmUnitOfWork implements UnitOfWork {
  constructor(private readonly ds: DataSource) {}

  run<T>(work: () => Promise<T>): Promise<T> {
    return inTransaction(this.ds, () => work());
  }
}
