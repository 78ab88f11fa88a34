import { Body, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiBody, ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminController, AdminRefusals } from './admin-controller.decorator';
import { CatalogueValueView, ListView, listOf } from './admin.views';
import { CatalogueAdminService } from './catalogue-admin.service';
import { CatalogueEntryDto } from './catalogue-input.dto';

/**
 * /admin/v1/tenants/:slug/catalogue/:type: the tenant catalogue (values of Role, Entitlement
 * and the other catalogue types whose values come from the library), served to SCIM clients at
 * the type's endpoint and accepted in Users' roles / entitlements.
 */
@AdminController('tenants', 'catalogue')
export class AdminCatalogueController {
  constructor(private readonly catalogue: CatalogueAdminService) {}

  @Get(':slug/catalogue/:type')
  @ApiOperation({ summary: "The tenant's catalogue entries of a type (Role, Entitlement...)" })
  @ApiOkResponse({ type: listOf(CatalogueValueView), description: 'The entries, in value order' })
  @AdminRefusals(404, 409)
  list(
    @Param('slug') slug: string,
    @Param('type') type: string,
  ): Promise<ListView<CatalogueValueView>> {
    return this.catalogue.list(slug, type);
  }

  @Put(':slug/catalogue/:type/:value')
  @ApiOperation({ summary: 'Create or replace the entry of a value (every field optional)' })
  @ApiBody({ type: CatalogueEntryDto, required: false })
  @ApiOkResponse({ type: CatalogueValueView, description: 'The entry as stored' })
  @AdminRefusals(400, 404, 409)
  put(
    @Param('slug') slug: string,
    @Param('type') type: string,
    @Param('value') value: string,
    @Body() body: CatalogueEntryDto,
  ): Promise<CatalogueValueView> {
    return this.catalogue.put(slug, type, body.toEntry(value));
  }

  @Delete(':slug/catalogue/:type/:value')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove the entry of a value (users who hold it keep it)' })
  @ApiNoContentResponse({ description: 'Removed' })
  @AdminRefusals(400, 404, 409)
  remove(
    @Param('slug') slug: string,
    @Param('type') type: string,
    @Param('value') value: string,
  ): Promise<void> {
    return this.catalogue.remove(slug, type, value);
  }
}
