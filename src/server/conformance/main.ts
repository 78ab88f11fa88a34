/**
 * `npm run conformance -- BASE_URL TOKEN [--profile okta|entra|rfc]`: replays the RFC checks
 * and, with a profile, Okta's or Entra's request sequence against any deployment of the module
 * (standalone or embedded in a host application), prints one line per check and
 * `N passed, M failed`, deletes what it created, and exits 1 when a check failed (2 for a
 * usage error). The token needs users:write and groups:write (groups are skipped when the
 * server does not serve them); the profile names the one the server runs that token under.
 */
import { runConformance } from './conformance.runner';
import { PACK_PROFILES, PackProfile } from './conformance.types';

const USAGE = 'Usage: npm run conformance -- BASE_URL TOKEN [--profile okta|entra|rfc]';

async function main(argv: string[]): Promise<number> {
  const args = [...argv];
  let profile: PackProfile = 'rfc';
  const at = args.findIndex((a) => a === '--profile' || a.startsWith('--profile='));
  if (at >= 0) {
    const value = args[at].includes('=') ? args[at].split('=')[1] : args[at + 1];
    args.splice(at, args[at].includes('=') ? 1 : 2);
    if (!PACK_PROFILES.includes(value as PackProfile)) {
      process.stderr.write(`Unknown profile "${value ?? ''}"\n${USAGE}\n`);
      return 2;
    }
    profile = value as PackProfile;
  }
  const [baseUrl, token] = args;
  if (!baseUrl || !token || args.length !== 2 || !/^https?:\/\//.test(baseUrl)) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const report = await runConformance({ baseUrl, token, profile, log: (l) => process.stdout.write(`${l}\n`) });
  if (report.leftOver.length) {
    process.stderr.write(`Could not delete: ${report.leftOver.join(', ')}\n`);
  }
  process.stdout.write(`${report.passed} passed, ${report.failed} failed\n`);
  return report.failed === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  },
);
