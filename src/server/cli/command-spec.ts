/** What a command accepts, as parseCommandLine checks it and its help shows it. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** the value's placeholder in the help (`<slug>`, `hard|soft`) */
  readonly value?: string;
  readonly required?: boolean;
  readonly help: string;
}

export interface ArgSpec {
  /** as the help shows it: `<slug>` */
  readonly name: string;
  readonly required: boolean;
}

export interface CommandSpec {
  /** the command's words: `tenant create`, `audit` */
  readonly name: string;
  /** one line for the list of commands */
  readonly summary: string;
  /** what the command's help adds below its synopsis */
  readonly details?: string;
  readonly args?: readonly ArgSpec[];
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** it prints JSON lines with --json */
  readonly json?: boolean;
  /** it creates a missing SQLite file without --create (creating the database is its point) */
  readonly createsDatabase?: boolean;
}

/** The options every command takes. */
export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  create: {
    type: 'boolean',
    help: 'create the SQLite database file when it does not exist (otherwise refused: a wrong path would give an empty database)',
  },
  help: { type: 'boolean', help: 'print this help' },
};

export const JSON_OPTION: OptionSpec = {
  type: 'boolean',
  help: 'print JSON lines on stdout: one JSON object per line',
};

/** every option `spec` accepts: its own, --json when it has JSON output, and the global ones */
export function optionsOf(spec: CommandSpec): Record<string, OptionSpec> {
  return { ...spec.options, ...(spec.json ? { json: JSON_OPTION } : {}), ...GLOBAL_OPTIONS };
}

/** `tenant create <slug> [--profile <p>] ...`, as the help shows the command */
export function synopsis(spec: CommandSpec): string {
  const parts = [spec.name];
  for (const a of spec.args ?? []) {
    parts.push(a.required ? a.name : `[${a.name}]`);
  }
  for (const [name, o] of Object.entries({ ...spec.options, ...(spec.json ? { json: JSON_OPTION } : {}) })) {
    const text = o.type === 'boolean' ? `--${name}` : `--${name} ${o.value ?? '<value>'}`;
    parts.push(o.required ? text : `[${text}]`);
  }
  return parts.join(' ');
}

export const CLI_NAME = 'npm run -s cli --';

/** The help of one command: synopsis, what it does, each option. */
export function commandUsage(spec: CommandSpec): string {
  const options = Object.entries(optionsOf(spec)).map(([name, o]) => [
    name === 'help' ? '-h, --help' : o.type === 'boolean' ? `--${name}` : `--${name} ${o.value ?? '<value>'}`,
    o.required ? `${o.help} (required)` : o.help,
  ]);
  const width = Math.max(...options.map(([n]) => n.length));
  return [
    `Usage: ${CLI_NAME} ${synopsis(spec)}`,
    '',
    spec.summary + (spec.details ? `\n${spec.details}` : ''),
    '',
    'Options:',
    ...options.map(([n, h]) => `  ${n.padEnd(width)}  ${h}`),
  ].join('\n');
}

/** The list of commands, one line each. */
export function commandList(specs: readonly CommandSpec[]): string {
  const width = Math.max(...specs.map((s) => s.name.length + argText(s).length));
  return specs.map((s) => `  ${(s.name + argText(s)).padEnd(width)}  ${s.summary}`).join('\n');
}

const argText = (s: CommandSpec) => (s.args ?? []).map((a) => ` ${a.required ? a.name : `[${a.name}]`}`).join('');
