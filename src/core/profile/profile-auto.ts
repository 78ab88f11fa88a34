import { isPlainObject } from '../resource/json.util';
import { isProfileName, ProfileName } from './idp-profile';

/**
 * The profile `auto`: a token or tenant setting that picks `okta` or `entra` per request from
 * fingerprints only those clients produce, and otherwise falls back to the server default.
 * Only documented signals count:
 * - Okta: `User-Agent: Okta SCIM Client <version>` (Okta's SCIM 2.0 protocol reference);
 * - Entra ID: the `aadOptscim062020` query parameter, a PATCH `op` written with a capital
 *   letter ("Add", "Replace", "Remove"), or Microsoft's ADSCIM URN in a body's `schemas`
 *   (Microsoft's "Develop and plan provisioning for a SCIM endpoint" and "Known issues"
 *   pages). Microsoft documents no User-Agent for the provisioning service, so none is used.
 * A request without a fingerprint (Entra's look-ups, any other client) gets the fallback.
 */
export const AUTO_PROFILE = 'auto';

/** What a token or tenant may name: a profile, or `auto`. */
export type ProfileChoice = ProfileName | typeof AUTO_PROFILE;

export function isProfileChoice(name: string): name is ProfileChoice {
  return name === AUTO_PROFILE || isProfileName(name);
}

/** What a request shows of its client. */
export interface RequestSignals {
  readonly userAgent?: string;
  /** path and query string */
  readonly url?: string;
  /** the parsed JSON body, when there is one */
  readonly body?: unknown;
}

const OKTA_AGENT = /^okta scim client\b/i;
const ENTRA_FLAG = /[?&]aadoptscim062020(?:[=&]|$)/i;
const ENTRA_GROUP_URN = 'http://schemas.microsoft.com/2006/11/resourcemanagement/adscim/2.0/group';
const CAPITALISED_OPS = new Set(['Add', 'Replace', 'Remove']);

function entraBody(body: unknown): boolean {
  if (!isPlainObject(body)) {
    return false;
  }
  const schemas = body.schemas;
  const urn = (s: unknown) => typeof s === 'string' && s.toLowerCase() === ENTRA_GROUP_URN;
  if (Array.isArray(schemas) && schemas.some(urn)) {
    return true;
  }
  const ops = body.Operations;
  return Array.isArray(ops) && ops.some((o) => isPlainObject(o) && CAPITALISED_OPS.has(o.op as string));
}

/** The client a request's documented fingerprints name, or undefined. */
export function detectIdp(s: RequestSignals): 'okta' | 'entra' | undefined {
  if (s.userAgent !== undefined && OKTA_AGENT.test(s.userAgent.trim())) {
    return 'okta';
  }
  if ((s.url !== undefined && ENTRA_FLAG.test(s.url)) || entraBody(s.body)) {
    return 'entra';
  }
  return undefined;
}

/** The profile a request runs under, and how it was chosen (for the access log and audit row). */
export interface ChosenProfile {
  /** undefined: the server default */
  readonly profile?: ProfileName;
  /** `entra`, `default`, `auto:okta`, `auto:default`... */
  readonly label: string;
}

/**
 * The profile of a request whose token (or tenant) names `configured`: that profile, or for
 * `auto` the one the request's fingerprints name, else the server default.
 */
export function chooseProfile(
  configured: ProfileChoice | undefined,
  signals: RequestSignals,
): ChosenProfile {
  if (configured === undefined) {
    return { label: 'default' };
  }
  if (configured !== AUTO_PROFILE) {
    return { profile: configured, label: configured };
  }
  const detected = detectIdp(signals);
  return detected ? { profile: detected, label: `auto:${detected}` } : { label: 'auto:default' };
}
