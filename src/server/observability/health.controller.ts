import { Controller, Get, Logger, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** how long the readiness probe waits for the database */
const READY_TIMEOUT_MS = 3_000;

/**
 * Probes at the server root: `/health/live` answers while the process runs;
 * `/health/ready` runs `SELECT 1` on the DataSource and answers 503 when the database does not
 * answer (a load balancer then sends the instance no traffic). No token: probes carry none.
 */
@Controller('health')
export class HealthController {
  private readonly logger = new Logger('Health');

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) res: unknown) {
    try {
      if (!this.ds.isInitialized) {
        throw new Error('the DataSource is not initialized');
      }
      await withTimeout(this.ds.query('SELECT 1'), READY_TIMEOUT_MS);
      return { status: 'ok', checks: { database: 'up' } };
    } catch (e) {
      // the reason goes to the log only: a driver message can name hosts and users
      this.logger.warn(`Not ready: ${e instanceof Error ? e.message : String(e)}`);
      this.adapterHost.httpAdapter.status(res, 503);
      return { status: 'unavailable', checks: { database: 'down' } };
    }
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the database did not answer in ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
