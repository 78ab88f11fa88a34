import { Body, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { AdminController } from './admin-controller.decorator';
import { ListView } from './admin.views';
import { CatalogueAdminService, CatalogueValueView } from './catalogue-admin.service';
import { parseCatalogueEntry } from './catalogue-input';

/**
 * /admin/v1/tenants/:slug/catalogue/:type: the tenant catalogue (values of Role, Entitlement
 * and the other catalogue types whose values come from the library), served to SCIM clients at
 * the type's endpoint and accepted in Users' roles / entitlements.
 */
@AdminController('tenants')
export class AdminCatalogueController {
  constructor(private readonly catalogue: CatalogueAdminService) {}

  @Get(':slug/catalogue/:type')
  list(@Param('slug') slug: string, @Param('type') type: string): Promise<ListView<CatalogueValueView>> {
    return this.catalogue.list(slug, type);
  }

  @Put(':slug/catalogue/:type/:value')
  put(
    @Param('slug') slug: string,
    @Param('type') type: string,
    @Param('value') value: string,
    @Body() body: unknown,
  ): Promise<CatalogueValueView> {
    return this.catalogue.put(slug, type, parseCatalogueEntry(value, body));
  }

  @Delete(':slug/catalogue/:type/:value')
  @HttpCode(204)
  remove(@Param('slug') slug: string, @Param('type') type: string, @Param('value') value: string): Promise<void> {
    return this.catalogue.remove(slug, type, value);
  }
}
