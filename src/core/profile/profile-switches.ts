import { ScimError } from '../errors/scim-error';
import { IdpProfile, PATCH_PROFILES } from './idp-profile';

/**
 * Switches set one by one on top of a profile: a tenant's explicit choices
 * (`tenant set acme --switches allowRemoveAll=true`), applied to whichever profile its tokens use.
 * Written as text, `name=value` pairs separated by commas, so the CLI, the admin API and the
 * database column all hold the same canonical form (names in their canonical spelling, sorted).
 */
export type ProfileSwitches = Partial<IdpProfile>;

type SwitchName = keyof IdpProfile;

/** The values a non-boolean switch takes; every other switch is `true` or `false`. */
const CHOICES: Partial<Record<SwitchName, readonly string[]>> = {
  unknownAttributes: ['reject', 'ignore'],
  missingSchemas: ['reject', 'tolerate'],
};

const NAMES = Object.keys(PATCH_PROFILES.lenient).sort() as SwitchName[];

/** most characters a switches text may have (the database column's length) */
export const MAX_SWITCHES_LENGTH = 512;

function choicesOf(name: SwitchName): readonly string[] {
  return CHOICES[name] ?? ['true', 'false'];
}

function nameOf(text: string): SwitchName | undefined {
  const lower = text.toLowerCase();
  return NAMES.find((n) => n.toLowerCase() === lower);
}

function valueOf(name: SwitchName, text: string): IdpProfile[SwitchName] | undefined {
  const v = text.toLowerCase();
  if (!choicesOf(name).includes(v)) {
    return undefined;
  }
  return (CHOICES[name] ? v : v === 'true') as IdpProfile[SwitchName];
}

/**
 * The pairs of a switches text, checked: each a known switch name (any letter case) with one of
 * its values, or `default` to drop an earlier choice. 400 invalidValue names what is wrong.
 */
function parsePairs(text: string): Array<[SwitchName, IdpProfile[SwitchName] | 'default']> {
  if (text.length > MAX_SWITCHES_LENGTH) {
    throw ScimError.invalidValue(`The switches are longer than ${MAX_SWITCHES_LENGTH} characters`);
  }
  const pairs: Array<[SwitchName, IdpProfile[SwitchName] | 'default']> = [];
  for (const item of text.split(',').map((s) => s.trim())) {
    if (item === '') {
      continue;
    }
    const eq = item.indexOf('=');
    const name = eq > 0 ? nameOf(item.slice(0, eq).trim()) : undefined;
    if (!name) {
      throw ScimError.invalidValue(
        `Unknown switch "${item.slice(0, 64)}": give name=value pairs, names among ${NAMES.join(', ')}`,
      );
    }
    const raw = item.slice(eq + 1).trim();
    const value = raw.toLowerCase() === 'default' ? 'default' : valueOf(name, raw);
    if (value === undefined) {
      throw ScimError.invalidValue(
        `Switch ${name} takes ${[...choicesOf(name), 'default'].join(', ')}, not "${raw.slice(0, 32)}"`,
      );
    }
    pairs.push([name, value]);
  }
  return pairs;
}

/** The canonical text of a set of switches (sorted by name); null when there are none. */
export function printSwitches(switches: ProfileSwitches): string | null {
  const text = NAMES.filter((n) => switches[n] !== undefined)
    .map((n) => `${n}=${String(switches[n])}`)
    .join(',');
  return text === '' ? null : text;
}

/**
 * The switches stored for a tenant: unknown names or values (a switch a later version dropped)
 * are skipped, so a stored text never breaks a request.
 */
export function switchesOf(text: string | null | undefined): ProfileSwitches {
  const out: Record<string, unknown> = {};
  for (const item of (text ?? '').split(',')) {
    const eq = item.indexOf('=');
    const name = eq > 0 ? nameOf(item.slice(0, eq).trim()) : undefined;
    const value = name ? valueOf(name, item.slice(eq + 1).trim()) : undefined;
    if (name && value !== undefined) {
      out[name] = value;
    }
  }
  return out as ProfileSwitches;
}

/**
 * `current` with the changes of `update` applied: `name=value` sets a switch, `name=default`
 * drops it, `default` (or `none`) alone drops them all. The result is canonical; null = none.
 * Throws 400 invalidValue for an unknown name or value.
 */
export function mergeSwitches(current: string | null | undefined, update: string): string | null {
  if (['default', 'none'].includes(update.trim().toLowerCase())) {
    return null;
  }
  const next: Record<string, unknown> = { ...switchesOf(current) };
  for (const [name, value] of parsePairs(update)) {
    if (value === 'default') {
      delete next[name];
    } else {
      next[name] = value;
    }
  }
  return printSwitches(next as ProfileSwitches);
}
