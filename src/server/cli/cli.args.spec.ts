import { ParsedArgs, UsageError, choiceFlag, daysFlag, intFlag, parseCommandLine } from './cli.args';
import { ARGS_CASES } from './cli.args.cases';
import { COMMANDS } from './cli.commands';
import { CommandSpec, commandUsage, synopsis } from './command-spec';
import { USAGE } from './cli.usage';

const specs: readonly CommandSpec[] = COMMANDS;
const spec = (name: string) => specs.find((s) => s.name === name)!;

function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return e as UsageError;
  }
  throw new Error('no UsageError');
}

describe('parseCommandLine', () => {
  it.each(ARGS_CASES.map((c) => [c.argv.join(' ') || '(nothing)', c] as const))('%s', (_name, c) => {
    if ('run' in c) {
      const line = parseCommandLine(c.argv, specs);
      expect(line.kind).toBe('run');
      const { args } = line as { args: ParsedArgs };
      expect(args.command.name).toBe(c.run.command);
      if (c.run.positionals) {
        expect(args.positionals).toEqual(c.run.positionals);
      }
      if (c.run.flags) {
        expect(args.flags).toEqual(c.run.flags);
      }
    } else if ('help' in c) {
      const line = parseCommandLine(c.argv, specs);
      expect(line).toEqual(c.help === null ? { kind: 'help' } : { kind: 'help', command: spec(c.help) });
    } else {
      const e = usageError(() => parseCommandLine(c.argv, specs));
      expect(e.message).toMatch(c.error);
      if (c.usageOf) {
        expect(e.command?.name).toBe(c.usageOf);
      }
    }
  });

  // every command, with what it requires, and one option too many
  it.each(specs.map((s) => [s.name, s] as const))('%s refuses an unknown option', (_name, s) => {
    const required = [
      ...(s.args ?? []).filter((a) => a.required).map((_, i) => `arg${i}`),
      ...Object.entries(s.options).flatMap(([n, o]) => (o.required ? [`--${n}`, 'x'] : [])),
    ];
    const argv = [...s.name.split(' '), ...required];
    expect(parseCommandLine(argv, specs)).toMatchObject({ kind: 'run' });
    const e = usageError(() => parseCommandLine([...argv, '--bogus-option'], specs));
    expect(e.message).toMatch(new RegExp(`^Unknown option --bogus-option for "${s.name}"`));
    expect(e.command).toBe(s);
  });
});

describe('help', () => {
  it('lists every command', () => {
    for (const s of specs) {
      expect(USAGE).toMatch(new RegExp(`^  ${s.name}\\b.*  ${s.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    }
  });

  it.each(specs.map((s) => [s.name, s] as const))('%s --help shows its synopsis and every option', (_name, s) => {
    const text = commandUsage(s);
    expect(text.split('\n')[0]).toBe(`Usage: npm run -s cli -- ${synopsis(s)}`);
    for (const name of Object.keys(s.options)) {
      expect(text).toMatch(new RegExp(`^  --${name}\\b`, 'm'));
    }
    expect(text).toMatch(/^ {2}--create +create the SQLite database file/m);
    expect(text.includes('--json')).toBe(s.json === true);
  });

  it('token create names --expires-in and says a token without it never expires', () => {
    expect(commandUsage(spec('token create'))).toMatch(/^ {2}--expires-in <days> +days until it expires, e\.g\. 30 or 0\.5 \(default: it never expires\)$/m);
  });
});

describe('option values', () => {
  const args = (flags: Record<string, string>): ParsedArgs => ({ command: spec('token create'), positionals: [], flags });

  it.each([
    ['30', 30],
    ['0.5', 0.5],
    ['365', 365],
  ])('--expires-in %s is %d days', (text, days) => {
    expect(daysFlag(args({ 'expires-in': text }), 'expires-in')).toBe(days);
  });

  it.each(['30d', '1e3', '0x10', '0', '0.0', '-1', ' 30', '30 ', '1,5', 'never'])('--expires-in %p is refused', (text) => {
    expect(usageError(() => daysFlag(args({ 'expires-in': text }), 'expires-in')).message).toBe(
      `--expires-in must be a positive number of days, e.g. 30 ("${text}" is not)`,
    );
  });

  it('whole days only where a fraction means nothing', () => {
    expect(daysFlag(args({ d: '730' }), 'd', true)).toBe(730);
    expect(usageError(() => daysFlag(args({ d: '1.5' }), 'd', true)).message).toMatch(/whole number of days/);
    expect(daysFlag(args({}), 'd')).toBeUndefined();
  });

  it.each([
    [{}, 100],
    [{ limit: '1' }, 1],
    [{ limit: '1000' }, 1000],
  ])('--limit %j is %d', (flags, n) => {
    expect(intFlag(args(flags), 'limit', 100, 1, 1000)).toBe(n);
  });

  it.each(['0', '1001', '-1', '1.5', 'ten', '1e2'])('--limit %p is refused', (text) => {
    expect(usageError(() => intFlag(args({ limit: text }), 'limit', 100, 1, 1000)).message).toBe(
      `--limit must be an integer from 1 to 1000 ("${text}" is not)`,
    );
  });

  it('a choice is one of its values', () => {
    expect(choiceFlag(args({ scim: 'enabled' }), 'scim', ['enabled', 'disabled'])).toBe('enabled');
    expect(choiceFlag(args({}), 'scim', ['enabled', 'disabled'])).toBeUndefined();
    expect(usageError(() => choiceFlag(args({ scim: 'on' }), 'scim', ['enabled', 'disabled'])).message).toBe(
      '--scim must be one of enabled, disabled ("on" is not)',
    );
  });
});
