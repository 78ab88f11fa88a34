import { DynamicModule, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { TypeOrmModule } from '@nestjs/typeorm';
import request from 'supertest';
import { DataSource } from 'typeorm';
import {
  ScimChangeEvent,
  ScimEventListener,
  ScimEventsOptions,
  ScimModule,
  TenantService,
  TokenService,
  buildDataSourceOptions,
} from '../../src/library';

/** An in-process listener of the host app: records what it is handed, can be made to fail. */
@Injectable()
export class RecordingListener implements ScimEventListener {
  readonly events: ScimChangeEvent[] = [];
  /** calls still to reject */
  failures = 0;

  handle(event: ScimChangeEvent): Promise<void> {
    if (this.failures > 0) {
      this.failures--;
      return Promise.reject(new Error('listener is down'));
    }
    this.events.push(event);
    return Promise.resolve();
  }
}

@Module({})
class EventsHostModule {
  static forRoot(url: string, events: ScimEventsOptions): DynamicModule {
    return {
      module: EventsHostModule,
      imports: [
        TypeOrmModule.forRoot(buildDataSourceOptions({ url, migrationsRun: true })),
        ScimModule.forRoot({
          tokenPepper: 'events-test-pepper-0123456789',
          listeners: [RecordingListener],
          events,
        }),
      ],
    };
  }
}

/**
 * A host application embedding ScimModule with one in-process change-event listener (the
 * ScimModule `listeners` option), on an existing database, listening on a loopback port.
 */
export class EventsApp {
  private constructor(readonly app: NestFastifyApplication) {}

  static async start(url: string, events: ScimEventsOptions = {}): Promise<EventsApp> {
    const app = await NestFactory.create<NestFastifyApplication>(
      EventsHostModule.forRoot(url, events),
      new FastifyAdapter(),
      { logger: false },
    );
    await app.listen(0, '127.0.0.1');
    return new EventsApp(app);
  }

  get http() {
    const addr = this.app.getHttpServer().address() as { port: number };
    return request(`http://127.0.0.1:${addr.port}`);
  }

  get tokens(): TokenService {
    return this.app.get(TokenService);
  }

  get tenantService(): TenantService {
    return this.app.get(TenantService);
  }

  get listener(): RecordingListener {
    return this.app.get(RecordingListener, { strict: false });
  }

  get dataSource(): DataSource {
    return this.app.get(DataSource);
  }

  close(): Promise<void> {
    return this.app.close();
  }
}
