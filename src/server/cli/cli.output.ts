import type { RoleMapping, TenantView } from '../../library';

/** What the CLI writes: answers on stdout, the rest on stderr; it exits once both are drained. */
export const out = (s: string) => process.stdout.write(s + '\n');
export const err = (s: string) => process.stderr.write(s + '\n');

/** `--json`: one JSON object on one line (JSON lines, the one format of every --json) */
export const jsonLine = (value: unknown) => out(JSON.stringify(value));

/** `--json` of a list: one line per item, nothing for none */
export function jsonLines(values: readonly unknown[]): void {
  for (const v of values) {
    jsonLine(v);
  }
}

/** `text` on one line of at most `max` characters, for a table cell */
export function cell(text: string | null | undefined, max = 80): string {
  const flat = (text ?? '').replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** rows as a plain-text table, one column per key of the first row */
export function table(rows: Record<string, unknown>[]): string {
  if (!rows.length) {
    return '(none)';
  }
  const cols = Object.keys(rows[0]);
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? '').length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(width[i])).join('  ').trimEnd();
  return [line(cols), ...rows.map((r) => line(cols.map((c) => String(r[c] ?? ''))))].join('\n');
}

/**
 * Resolves once `stream` has handed everything written so far to the OS. A pipe takes 64 KiB
 * at a time; the rest waits in the stream, and process.exit() would drop it.
 */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.writableLength === 0 || stream.destroyed) {
    return Promise.resolve();
  }
  return new Promise((resolve) => stream.write('', () => resolve()));
}

/** Sets the exit status and ends the process only after stdout and stderr are drained. */
export async function exitWhenDrained(code: number): Promise<void> {
  process.exitCode = code;
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  // a lingering handle (a pool timer) must not keep a finished command alive
  process.exit(code);
}

/** A reader that goes away (`cli audit --json | head`) ends the command, not as a crash. */
export function endQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      process.exit(e.code === 'EPIPE' ? (process.exitCode ?? 0) : 1);
    });
  }
}

/** a tenant in one line (`tenant set`) */
export function tenantLine(t: TenantView): string {
  return (
    `${t.slug}: scim ${t.scimEnabled ? 'enabled' : `disabled since ${t.disabledAt}`}, ` +
    `profile ${t.profile ?? 'default'}, deprovisioning ${t.deprovisioning}, group cycles ${t.groupCycles}, ` +
    `webhook ${t.webhookUrl ?? 'none'}, notifications ${t.notifications}, ` +
    `default role ${t.defaultRole ?? 'none'}, link policy ${t.linkPolicy}, token policy ${t.tokenPolicy}, ` +
    `switches ${t.switches ?? 'none'}`
  );
}

/** `tenant show` as text: one setting a line, then the role mappings */
export function tenantDetails(
  t: TenantView,
  mappings: readonly RoleMapping[],
  backlog: { pending: number; failed: number; oldestPendingAt?: string | null },
): string {
  const rows: [string, string][] = [
    ['slug', t.slug],
    ['id', t.id],
    ['created', t.createdAt],
    ['scim', t.scimEnabled ? 'enabled' : `disabled since ${t.disabledAt}`],
    ['profile', t.profile ?? 'default'],
    ['deprovisioning', t.deprovisioning],
    ['group cycles', t.groupCycles],
    ['webhook', t.webhookUrl ? `${t.webhookUrl} (secret ${t.webhookSecretSet ? 'set' : 'not set'})` : 'none'],
    ['notifications', t.notifications],
    ['default role', t.defaultRole ?? 'none'],
    ['link policy', t.linkPolicy],
    ['token policy', t.tokenPolicy],
    ['switches', t.switches ?? 'none'],
    [
      'events',
      `${backlog.pending} pending${backlog.oldestPendingAt ? ` (oldest ${backlog.oldestPendingAt})` : ''}, ${backlog.failed} failed`,
    ],
    ['role mappings', mappings.length ? '' : 'none'],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return [
    ...rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`.trimEnd()),
    ...mappings.map((m) => `  ${m.group} -> ${m.role}`),
  ].join('\n');
}
