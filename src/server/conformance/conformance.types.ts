import { RunNames, ScimClient } from './conformance.client';

/** Which IdP's expectations a run holds the server to (the profile its token runs under). */
export type PackProfile = 'okta' | 'entra' | 'rfc';

export const PACK_PROFILES: readonly PackProfile[] = ['okta', 'entra', 'rfc'];

/** What every check gets: the client, unique names, the profile, and state shared by checks. */
export interface Ctx {
  readonly client: ScimClient;
  readonly names: RunNames;
  readonly profile: PackProfile;
  /** ids and facts earlier checks found (e.g. whether /Groups is served) */
  readonly state: Record<string, unknown>;
}

export interface Check {
  readonly name: string;
  run(c: Ctx): Promise<void>;
}

export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  /** why it failed */
  readonly detail?: string;
}
