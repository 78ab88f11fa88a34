import { CatalogueAdminService, parseCatalogueEntry } from '../../library';
import { choiceFlag, flag, requiredFlag } from './cli.args';
import type { CommandName } from './cli.commands';
import type { CommandHandler } from './cli.context';
import { err, jsonLines, out, table } from './cli.output';

/**
 * `catalogue list|set|remove`: the tenant catalogue (the values of Role, Entitlement and the
 * other catalogue types whose values come from the library), as the admin API manages it.
 */
export const CATALOGUE_COMMANDS = {
  'catalogue list': async (c) => {
    const { items } = await c.get(CatalogueAdminService).list(requiredFlag(c.args, 'tenant'), requiredFlag(c.args, 'type'));
    if (c.json) {
      jsonLines(items);
      return;
    }
    out(
      table(
        items.map((e) => ({
          value: e.value,
          displayName: e.displayName ?? '',
          type: e.type ?? '',
          supported: e.supported !== false,
          modified: e.lastModified,
        })),
      ),
    );
  },

  'catalogue set': async (c) => {
    const { args } = c;
    const supported = choiceFlag(args, 'supported', ['true', 'false'] as const);
    const entry = parseCatalogueEntry(requiredFlag(args, 'value'), {
      displayName: flag(args, 'display-name'),
      type: flag(args, 'entry-type'),
      description: flag(args, 'description'),
      ...(supported !== undefined ? { supported: supported === 'true' } : {}),
    });
    const saved = await c.get(CatalogueAdminService).put(requiredFlag(args, 'tenant'), requiredFlag(args, 'type'), entry);
    out(c.json ? JSON.stringify(saved) : `${saved.resourceType} ${saved.value} (version ${saved.version})`);
  },

  'catalogue remove': async (c) => {
    const [tenant, type, value] = ['tenant', 'type', 'value'].map((n) => requiredFlag(c.args, n));
    await c.get(CatalogueAdminService).remove(tenant, type, value);
    err(`Removed ${value} from the ${type} catalogue of tenant "${tenant}"`);
  },
} satisfies Partial<Record<CommandName, CommandHandler>>;
