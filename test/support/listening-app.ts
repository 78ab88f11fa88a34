import { Type } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { TenantService, TokenService } from '../../src/library';

/**
 * A Nest application under test, listening on a loopback port: the standalone server, a host
 * that embeds ScimModule, or the example host app. What every test reaches through it.
 */
export abstract class ListeningApp {
  protected constructor(readonly app: NestFastifyApplication) {}

  /** http://127.0.0.1:<port> */
  get origin(): string {
    const addr = this.app.getHttpServer().address() as { port: number };
    return `http://127.0.0.1:${addr.port}`;
  }

  /** supertest against the listening app (parallel requests share the port) */
  get http() {
    return request(this.origin);
  }

  get tokens(): TokenService {
    return this.app.get(TokenService);
  }

  get tenantService(): TenantService {
    return this.app.get(TenantService);
  }

  get dataSource(): DataSource {
    return this.app.get(DataSource);
  }

  /** a provider the app registered (a host's listener, hook, ...), wherever it lives */
  provider<T>(type: Type<T>): T {
    return this.app.get(type, { strict: false });
  }
}
