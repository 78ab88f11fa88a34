import { CheckFailure, RunNames, ScimClient } from './conformance.client';
import { ENTRA_CHECKS, OKTA_CHECKS } from './conformance.idp';
import { RFC_CHECKS } from './conformance.rfc';
import { Check, CheckResult, PackProfile } from './conformance.types';

export interface ConformanceOptions {
  /** the SCIM base URL, e.g. https://host/scim/v2 (a trailing slash is ignored) */
  readonly baseUrl: string;
  readonly token: string;
  /** whose expectations: `rfc` (the default), `okta` or `entra` (the token's profile) */
  readonly profile?: PackProfile;
  /** one line per check as it finishes */
  readonly log?: (line: string) => void;
}

export interface ConformanceReport {
  readonly passed: number;
  readonly failed: number;
  readonly results: readonly CheckResult[];
  /** resources the clean-up could not delete */
  readonly leftOver: readonly string[];
}

/** The checks of a profile: the RFC's, then the IdP's sequence. */
export function checksFor(profile: PackProfile): readonly Check[] {
  return [...RFC_CHECKS, ...(profile === 'okta' ? OKTA_CHECKS : profile === 'entra' ? ENTRA_CHECKS : [])];
}

/**
 * Runs the pack against a deployment: every check in order (a failing one does not stop the
 * others), then deletes what the run created. Only HTTP: any deployment of the module will do.
 */
export async function runConformance(o: ConformanceOptions): Promise<ConformanceReport> {
  const profile = o.profile ?? 'rfc';
  const client = new ScimClient(o.baseUrl.replace(/\/+$/, ''), o.token, 'scim-nest-conformance/1');
  const ctx = { client, names: new RunNames(), profile, state: {} };
  const results: CheckResult[] = [];
  for (const check of checksFor(profile)) {
    let result: CheckResult;
    try {
      await check.run(ctx);
      result = { name: check.name, ok: true };
    } catch (e) {
      const detail = e instanceof CheckFailure ? e.message : `error: ${e instanceof Error ? e.message : String(e)}`;
      result = { name: check.name, ok: false, detail };
    }
    results.push(result);
    o.log?.(result.ok ? `PASS  ${result.name}` : `FAIL  ${result.name}: ${result.detail}`);
  }
  const leftOver = await client.cleanUp();
  const passed = results.filter((r) => r.ok).length;
  return { passed, failed: results.length - passed, results, leftOver };
}
