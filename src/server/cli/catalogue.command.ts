import { CatalogueAdminService, parseCatalogueEntry } from '../../library';
import { ParsedArgs, flag, requiredFlag } from './cli.args';
import { err, out, table } from './cli.output';

export const CATALOGUE_USAGE = `  catalogue list --tenant <slug> --type <Role|Entitlement|...> [--json]
  catalogue set --tenant <slug> --type <type> --value <value> [--display-name <name>] [--entry-type <label>]
                [--description <text>] [--supported true|false]
  catalogue remove --tenant <slug> --type <type> --value <value>`;

/**
 * `catalogue list|set|remove`: the tenant catalogue (the values of Role, Entitlement and the
 * other catalogue types whose values come from the library), as the admin API manages it.
 * False for a sub-command it does not know.
 */
export async function runCatalogueCommand(args: ParsedArgs, catalogue: CatalogueAdminService): Promise<boolean> {
  const json = args.flags.json === true;
  const tenant = () => requiredFlag(args, 'tenant');
  const type = () => requiredFlag(args, 'type');
  switch (args.positionals[1]) {
    case 'list': {
      const { items } = await catalogue.list(tenant(), type());
      out(
        json
          ? JSON.stringify(items, null, 2)
          : table(
              items.map((e) => ({
                value: e.value,
                displayName: e.displayName ?? '',
                type: e.type ?? '',
                supported: e.supported !== false,
                modified: e.lastModified,
              })),
            ),
      );
      return true;
    }
    case 'set': {
      const supported = flag(args, 'supported');
      if (supported !== undefined && supported !== 'true' && supported !== 'false') {
        throw new Error('--supported must be true or false');
      }
      const entry = parseCatalogueEntry(requiredFlag(args, 'value'), {
        displayName: flag(args, 'display-name'),
        type: flag(args, 'entry-type'),
        description: flag(args, 'description'),
        ...(supported !== undefined ? { supported: supported === 'true' } : {}),
      });
      const saved = await catalogue.put(tenant(), type(), entry);
      out(json ? JSON.stringify(saved) : `${saved.resourceType} ${saved.value} (version ${saved.version})`);
      return true;
    }
    case 'remove': {
      const value = requiredFlag(args, 'value');
      await catalogue.remove(tenant(), type(), value);
      err(`Removed ${value} from the ${type()} catalogue of tenant "${tenant()}"`);
      return true;
    }
    default:
      return false;
  }
}
