import { parseArgs as parseNodeArgs } from 'node:util';
import { CommandSpec, GLOBAL_OPTIONS, OptionSpec, optionsOf } from './command-spec';

/** A command line that cannot be run as written: exit status 2, with what is valid. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** the command whose usage follows the message; undefined: the list of commands */
    readonly command?: CommandSpec,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A command line that names a command, with its arguments checked against the command's spec. */
export interface ParsedArgs {
  readonly command: CommandSpec;
  /** the arguments after the command's words (`<slug>`, `<token-id>`) */
  readonly positionals: readonly string[];
  /** every option given: `true` for a boolean, the text for a string */
  readonly flags: Readonly<Record<string, string | true>>;
}

/** What the command line asks for: a command to run, or help (the commands', or one's). */
export type CommandLine =
  | { readonly kind: 'run'; readonly args: ParsedArgs }
  | { readonly kind: 'help'; readonly command?: CommandSpec };

const isHelp = (a: string) => a === '--help' || a === '-h';

/**
 * Reads argv (without `node` and the script) as `<command words> [arguments] [options]`.
 * The command is the longest run of leading words that names one (`tenant create`, `audit`);
 * the rest goes through node:util parseArgs in strict mode with that command's options only,
 * so an unknown option, a value missing or given to a boolean, an option given twice, an
 * argument too many or a required one missing is a UsageError that says what is valid.
 * `--help`/`-h` anywhere, or `help <command>`, asks for the command's help.
 */
export function parseCommandLine(argv: readonly string[], specs: readonly CommandSpec[]): CommandLine {
  if (argv.length === 0) {
    throw new UsageError('No command given');
  }
  if (isHelp(argv[0])) {
    return { kind: 'help' };
  }
  if (argv[0] === 'help') {
    const words = argv.slice(1);
    return words.length === 0 ? { kind: 'help' } : { kind: 'help', command: findCommand(words, specs).spec };
  }
  const { spec, used } = findCommand(argv, specs);
  const rest = argv.slice(used);
  const end = rest.indexOf('--');
  if ((end < 0 ? rest : rest.slice(0, end)).some(isHelp)) {
    return { kind: 'help', command: spec };
  }
  return { kind: 'run', args: parseOptions(spec, rest) };
}

/** The command named by the leading words of argv, and how many words name it. */
function findCommand(argv: readonly string[], specs: readonly CommandSpec[]): { spec: CommandSpec; used: number } {
  const [first, second] = argv;
  if (first.startsWith('-')) {
    throw new UsageError(`Give the command first, then its options (${first} came first)`);
  }
  const two = second !== undefined ? specs.find((s) => s.name === `${first} ${second}`) : undefined;
  if (two) {
    return { spec: two, used: 2 };
  }
  const one = specs.find((s) => s.name === first);
  if (one) {
    return { spec: one, used: 1 };
  }
  const group = specs.filter((s) => s.name.startsWith(`${first} `));
  if (group.length) {
    const subs = group.map((s) => s.name.slice(first.length + 1)).join(', ');
    throw new UsageError(
      second === undefined || second.startsWith('-')
        ? `"${first}" needs a sub-command: ${subs}`
        : `Unknown command "${first} ${second}": the ${first} commands are ${subs}`,
    );
  }
  throw new UsageError(`Unknown command "${first}"`);
}

/** node:util parseArgs in strict mode, with exactly `options` */
function strictParse(args: readonly string[], options: Record<string, OptionSpec>) {
  return parseNodeArgs({
    args: [...args],
    options: Object.fromEntries(Object.entries(options).map(([name, o]) => [name, { type: o.type }])),
    strict: true,
    allowPositionals: true,
    tokens: true,
  });
}

function parseOptions(spec: CommandSpec, rest: readonly string[]): ParsedArgs {
  const options = optionsOf(spec);
  let parsed: ReturnType<typeof strictParse>;
  try {
    parsed = strictParse(rest, options);
  } catch (e) {
    throw new UsageError(explain(e, spec, options), spec);
  }
  const seen = new Set<string>();
  for (const t of parsed.tokens) {
    if (t.kind === 'option') {
      if (seen.has(t.name)) {
        throw new UsageError(`--${t.name} is given more than once`, spec);
      }
      seen.add(t.name);
    }
  }
  const flags: Record<string, string | true> = {};
  for (const [name, value] of Object.entries(parsed.values)) {
    if (typeof value === 'string') {
      if (value.trim() === '') {
        throw new UsageError(`--${name} needs a value`, spec);
      }
      flags[name] = value;
    } else if (value === true) {
      flags[name] = true;
    }
  }
  const positionals = parsed.positionals;
  const args = spec.args ?? [];
  if (positionals.length > args.length) {
    const extra = positionals[args.length];
    throw new UsageError(
      args.length === 0
        ? `${spec.name} takes no argument ("${extra}" is one)`
        : `Unexpected argument "${extra}": ${spec.name} takes ${args.map((a) => a.name).join(' ')}`,
      spec,
    );
  }
  const missing = args.find((a, i) => a.required && positionals[i] === undefined);
  if (missing) {
    throw new UsageError(`${spec.name} needs ${missing.name}`, spec);
  }
  for (const [name, o] of Object.entries(spec.options)) {
    if (o.required && flags[name] === undefined) {
      throw new UsageError(`--${name} is required`, spec);
    }
  }
  return { command: spec, positionals, flags };
}

/** parseArgs' error in the words of this CLI: what was wrong, and what is valid. */
function explain(e: unknown, spec: CommandSpec, options: Record<string, OptionSpec>): string {
  const code = (e as { code?: string }).code;
  const message = e instanceof Error ? e.message : String(e);
  const valid = Object.keys(options)
    .filter((n) => !(n in GLOBAL_OPTIONS))
    .map((n) => `--${n}`);
  const validText = valid.length ? `its options are ${valid.join(', ')}` : 'it takes no options';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const given = /'([^']+)'/.exec(message)?.[1] ?? '?';
    const near = nearest(given.replace(/^-+/, '').split('=')[0], Object.keys(options));
    return `Unknown option ${given} for "${spec.name}"${near ? ` (did you mean --${near}?)` : ''}: ${validText}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const name = /'(--?[\w-]+)/.exec(message)?.[1] ?? 'the option';
    if (/does not take an argument/.test(message)) {
      return `${name} takes no value`;
    }
    // a missing value, or the next option where the value should be (`--name --scopes x`)
    return `${name} needs a value (one that starts with "-" is given as ${name}=<value>)`;
  }
  return message;
}

/** The option `given` probably meant: one it starts, or one within two edits of it. */
function nearest(given: string, names: readonly string[]): string | undefined {
  if (!given) {
    return undefined;
  }
  return (
    names.find((n) => n.startsWith(given) || given.startsWith(n)) ??
    names.find((n) => editDistance(n, given) <= 2)
  );
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}

// ---- reading the checked options in a command ----

/** a string option's value, or undefined when it was not given */
export function flag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags[name];
  return v === true ? undefined : v;
}

/** a string option the spec marks required (the parser has checked it is there) */
export function requiredFlag(args: ParsedArgs, name: string): string {
  const v = flag(args, name);
  if (v === undefined) {
    throw new UsageError(`--${name} is required`, args.command);
  }
  return v;
}

/** a boolean option: true when given */
export function booleanFlag(args: ParsedArgs, name: string): boolean {
  return args.flags[name] === true;
}

/** an integer option from `min` to `max`; `def` when absent */
export function intFlag(args: ParsedArgs, name: string, def: number, min: number, max: number): number {
  const text = flag(args, name);
  if (text === undefined) {
    return def;
  }
  if (!/^\d{1,9}$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max} ("${text}" is not)`, args.command);
  }
  return Number(text);
}

/**
 * A number of days (`--expires-in 30`, `--expires-in 0.5`): digits with an optional
 * fraction, above zero. Anything else (`30d`, `1e3`, `0x10`, `-1`) is refused, never read as
 * something else.
 */
export function daysFlag(args: ParsedArgs, name: string, whole = false): number | undefined {
  const text = flag(args, name);
  if (text === undefined) {
    return undefined;
  }
  const pattern = whole ? /^\d{1,6}$/ : /^\d{1,6}(\.\d{1,6})?$/;
  if (!pattern.test(text) || Number(text) <= 0) {
    throw new UsageError(
      `--${name} must be a ${whole ? 'whole' : 'positive'} number of days, e.g. 30 ("${text}" is not)`,
      args.command,
    );
  }
  return Number(text);
}

/** an option that takes one of `values` */
export function choiceFlag<T extends string>(args: ParsedArgs, name: string, values: readonly T[]): T | undefined {
  const v = flag(args, name);
  if (v !== undefined && !(values as readonly string[]).includes(v)) {
    throw new UsageError(`--${name} must be one of ${values.join(', ')} ("${v}" is not)`, args.command);
  }
  return v as T | undefined;
}
