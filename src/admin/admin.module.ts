import {
  DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { HttpAdapterHost, RouterModule } from '@nestjs/core';
import { AdminAuditGuard } from './admin-audit.guard';
import { AdminEventsController } from './admin-events.controller';
import { ADMIN_MODULE_CLASS, AdminOpenApiController, AdminOpenApiDocument } from './admin-openapi.controller';
import { AdminOAuthClientsController } from './admin-oauth-clients.controller';
import { AdminTenantsController } from './admin-tenants.controller';
import { AdminTokenGuard } from './admin-token.guard';
import { AdminTokensController } from './admin-tokens.controller';
import {
  ADMIN_MODULE_OPTIONS,
  AdminForRootAsyncOptions,
  AdminForRootOptions,
  AdminModuleBase,
} from './admin.module-definition';
import {
  ADMIN_OPTIONS,
  AdminModuleOptions,
  DEFAULT_ADMIN_PATH,
  MIN_ADMIN_TOKEN_LENGTH,
  ResolvedAdminOptions,
  resolveAdminOptions,
} from './admin.options';
import { EventAdminService } from './event-admin.service';
import { OAuthClientAdminService } from './oauth-client-admin.service';
import { TenantAdminService } from './tenant-admin.service';
import { AdminCatalogueController } from './admin-catalogue.controller';
import { CatalogueAdminService } from './catalogue-admin.service';

/** One line at boot saying whether the admin API is served, and how to turn it on. */
@Injectable()
class AdminStatusLogger implements OnApplicationBootstrap {
  private readonly logger = new Logger('ScimAdmin');

  constructor(
    @Inject(ADMIN_OPTIONS) private readonly options: ResolvedAdminOptions,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onApplicationBootstrap(): void {
    // a process without an HTTP server (the CLI) serves no admin API: nothing to say
    if (!this.adapterHost?.httpAdapter) {
      return;
    }
    if (this.options.adminToken) {
      this.logger.log('Admin API on (Authorization: Bearer <admin token>)');
    } else {
      this.logger.log(
        'Admin API off: its routes answer 404. Turn it on with ADMIN_TOKEN (standalone) or ' +
          `AdminModule.forRoot({ adminToken }), a secret of at least ${MIN_ADMIN_TOKEN_LENGTH} characters ` +
          '(e.g. openssl rand -hex 32)',
      );
    }
  }
}

/**
 * The admin HTTP API, at `/admin/v1` of the server root (never under the
 * SCIM base path): tenants and their settings, role mappings, service-account tokens, the
 * change-event outbox, the unlinked-users report, OAuth clients, described by its OpenAPI document
 * at `openapi.json`. Protected by one admin bearer token (not a SCIM token); without one its
 * routes answer 404. Needs ScimModule in the same application
 * (it uses the SCIM core's global providers). Registers nothing global.
 *
 * ```ts
 * imports: [ScimModule.forRoot({ ... }), AdminModule.forRoot({ adminToken: process.env.ADMIN_TOKEN })]
 * ```
 */
@Module({})
export class AdminModule extends AdminModuleBase {
  static override forRoot(options: AdminForRootOptions): DynamicModule {
    return AdminModule.compose(super.forRoot(options), options.path);
  }

  static override forRootAsync(options: AdminForRootAsyncOptions): DynamicModule {
    return AdminModule.compose(super.forRootAsync(options), options.path);
  }

  private static compose(base: DynamicModule, path = DEFAULT_ADMIN_PATH): DynamicModule {
    return {
      ...base,
      imports: [...(base.imports ?? []), RouterModule.register([{ path, module: AdminModule }])],
      controllers: [
        AdminTenantsController,
        AdminTokensController,
        AdminEventsController,
        AdminCatalogueController,
        AdminOAuthClientsController,
        AdminOpenApiController,
      ],
      providers: [
        ...(base.providers ?? []),
        { provide: ADMIN_MODULE_CLASS, useValue: AdminModule },
        AdminOpenApiDocument,
        {
          provide: ADMIN_OPTIONS,
          useFactory: (o: AdminModuleOptions) => resolveAdminOptions(o),
          inject: [ADMIN_MODULE_OPTIONS],
        },
        AdminTokenGuard,
        AdminAuditGuard,
        AdminStatusLogger,
        TenantAdminService,
        EventAdminService,
        CatalogueAdminService,
        OAuthClientAdminService,
      ],
      exports: [TenantAdminService, EventAdminService, CatalogueAdminService, OAuthClientAdminService],
    };
  }
}
