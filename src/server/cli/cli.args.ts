/**
 * Minimal argv parsing: positionals plus `--flag value` / `--flag=value` / the boolean flags
 * `--json`, `--help`, `--all-failed`, `--remove`, `--no-secret`.
 */
export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | true>;
}

const BOOLEAN_FLAGS = new Set(['json', 'help', 'all-failed', 'remove', 'no-secret']);

export function parseArgs(argv: string[]): ParsedArgs {
  const positionals: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) {
        flags[a.slice(2, eq)] = a.slice(eq + 1);
      } else {
        const name = a.slice(2);
        const next = argv[i + 1];
        if (BOOLEAN_FLAGS.has(name) || next === undefined || next.startsWith('--')) {
          flags[name] = true;
        } else {
          flags[name] = next;
          i++;
        }
      }
    } else {
      positionals.push(a);
    }
  }
  return { positionals, flags };
}

export function flag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags[name];
  if (v === true) {
    throw new Error(`--${name} needs a value`);
  }
  return v;
}

export function requiredFlag(args: ParsedArgs, name: string): string {
  const v = flag(args, name);
  if (v === undefined || v.trim() === '') {
    throw new Error(`--${name} is required`);
  }
  return v;
}

/** A boolean flag: true when given (`--json`), false when absent; a value is refused. */
export function booleanFlag(args: ParsedArgs, name: string): boolean {
  const v = args.flags[name];
  if (v !== undefined && v !== true) {
    throw new Error(`--${name} takes no value`);
  }
  return v === true;
}

/** A positive integer flag (`--limit`), at most `max`; `def` when absent. */
export function intFlag(args: ParsedArgs, name: string, def: number, min: number, max: number): number {
  const text = flag(args, name);
  if (text === undefined) {
    return def;
  }
  if (!/^\d{1,9}$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new Error(`--${name} must be an integer from ${min} to ${max}`);
  }
  return Number(text);
}

/** `--scim enabled|disabled` as scimEnabled */
export function scimFlag(args: ParsedArgs): boolean | undefined {
  const v = flag(args, 'scim');
  if (v === undefined) {
    return undefined;
  }
  if (v !== 'enabled' && v !== 'disabled') {
    throw new Error('--scim must be enabled or disabled');
  }
  return v === 'enabled';
}
