import {
  Controller,
  Get,
  Inject,
  INestApplication,
  Injectable,
  Type,
  UseFilters,
} from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import {
  ApiExcludeController,
  DocumentBuilder,
  OpenAPIObject,
  SwaggerModule,
} from '@nestjs/swagger';
import { ScimError } from '../core/errors/scim-error';
import { ScimExceptionFilter } from '../scim/http/scim-exception.filter';
import { ADMIN_SECURITY_SCHEME } from './admin-controller.decorator';
import { ADMIN_OPTIONS, ResolvedAdminOptions } from './admin.options';

/** the module whose controllers the document describes (AdminModule, given by the module itself) */
export const ADMIN_MODULE_CLASS = Symbol('scim:AdminModuleClass');

const DESCRIPTION =
  'Tenants and their settings, group-to-role mappings, service-account (SCIM) tokens, the tenant ' +
  'catalogue, OAuth clients and the change-event outbox of a scim-nest server. Every operation ' +
  'needs the admin bearer token; without one configured, every admin route answers 404. Errors ' +
  'are SCIM error bodies (application/scim+json, RFC 7644 §3.12); a 400 names the field and says why.';

/** `AdminTenantsController` + `list` → `Tenants_list`: unique, stable, readable in generated clients */
const operationId = (controller: string, method: string) =>
  `${controller.replace(/^Admin/, '').replace(/Controller$/, '')}_${method}`;

/**
 * The OpenAPI 3 document of the admin API of `app`, built by @nestjs/swagger from the admin
 * controllers and their DTOs alone (the routes of the app's other modules are not in it), on any
 * HTTP adapter. `adminModule` is AdminModule (passed in: this file is part of it).
 */
export function createAdminOpenApiDocument(
  app: INestApplication,
  adminModule: Type<unknown>,
): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('scim-nest admin API')
    .setDescription(DESCRIPTION)
    .setVersion('1')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        description:
          'The admin token: ADMIN_TOKEN (standalone server) or AdminModule.forRoot({ adminToken })',
      },
      ADMIN_SECURITY_SCHEME,
    )
    .addTag('tenants', 'Tenants, their settings, role mappings and unlinked users')
    .addTag('tokens', 'Service-account (SCIM) tokens')
    .addTag(
      'catalogue',
      'The tenant catalogue: values of Role, Entitlement and other catalogue types',
    )
    .addTag(
      'oauth-clients',
      'OAuth 2.0 clients (client credentials grant) and the token signing keys',
    )
    .addTag('events', 'The change-event outbox')
    .build();
  return SwaggerModule.createDocument(app, config, {
    include: [adminModule],
    operationIdFactory: operationId,
  });
}

/**
 * Builds the document once, on the first request, from the application this module runs in.
 * SwaggerModule reads three things of an application: its module container, its config (global
 * prefix, versioning) and its HTTP adapter's type (only to word a log line). ModuleRef holds
 * the same container (and the container the config), HttpAdapterHost the adapter: a host needs
 * no setup call, and the document is the same on Fastify and Express (a test compares them).
 */
@Injectable()
export class AdminOpenApiDocument {
  private document?: OpenAPIObject;

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(ADMIN_MODULE_CLASS) private readonly adminModule: Type<unknown>,
    @Inject(ADMIN_OPTIONS) private readonly options: ResolvedAdminOptions,
  ) {}

  /** the document, or 404 while the admin API is off (as every admin route) */
  get(): OpenAPIObject {
    if (!this.options.adminToken) {
      throw ScimError.notFound('Resource endpoint not found');
    }
    if (!this.document) {
      const container = (
        this.moduleRef as unknown as { container: { applicationConfig?: unknown } }
      ).container;
      const app = {
        container,
        config: container.applicationConfig,
        getHttpAdapter: () => this.adapterHost.httpAdapter,
      } as unknown as INestApplication;
      this.document = createAdminOpenApiDocument(app, this.adminModule);
    }
    return this.document;
  }
}

/**
 * GET /admin/v1/openapi.json: the admin API's OpenAPI 3 document while the admin API is on. It
 * describes the API and holds no secret, so it needs no token (docs/admin-openapi.json is the
 * same document, as committed).
 */
@Controller()
@UseFilters(ScimExceptionFilter)
@ApiExcludeController()
export class AdminOpenApiController {
  constructor(private readonly document: AdminOpenApiDocument) {}

  @Get('openapi.json')
  get(): OpenAPIObject {
    return this.document.get();
  }
}
