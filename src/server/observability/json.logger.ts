import { ConsoleLogger, Logger, LogLevel, LoggerService } from '@nestjs/common';
import pino, { DestinationStream, Level, Logger as Pino } from 'pino';

/** One finished HTTP request: never a token, only the ids behind it. */
export interface AccessLogEntry {
  readonly method: string;
  /** the route template (`/scim/v2/Users/:id`), or `unmatched` */
  readonly route: string;
  /** path and query, credential-like parameters redacted (audit-redaction.util redactUrl) */
  readonly url: string;
  readonly status: number;
  readonly durationMs: number;
  /** the X-Request-Id sent back */
  readonly requestId?: string;
  /** the authenticated token's tenant and id (absent without a valid token) */
  readonly tenantId?: string;
  readonly tokenId?: string;
  readonly userAgent?: string;
  readonly clientIp?: string;
  /** the IdP profile a SCIM request ran under and how it was chosen (`auto:entra`) */
  readonly profile?: string;
}

/** Where the standalone server's per-request access lines go (fastify-hooks.util.ts). */
export interface AccessLog {
  access(entry: AccessLogEntry): void;
}

/** Nest's levels as pino's, lowest first. */
const PINO_LEVELS: ReadonlyArray<readonly [LogLevel, Level]> = [
  ['verbose', 'trace'],
  ['debug', 'debug'],
  ['log', 'info'],
  ['warn', 'warn'],
  ['error', 'error'],
  ['fatal', 'fatal'],
];

/** pino's threshold for Nest's enabled levels: the lowest of them ('silent' for none). */
function threshold(levels: readonly LogLevel[]): Level | 'silent' {
  return PINO_LEVELS.find(([nest]) => levels.includes(nest))?.[1] ?? 'silent';
}

/**
 * Nest's start-up narration (modules initialised, every route mapped): debug, not info, so
 * that the first lines a user sees at start are the base URL and the bootstrap token.
 */
const BOOT_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

/** `log(message, ..., context)` of Nest's start-up narration */
const isBootNarration = (params: readonly unknown[]): boolean =>
  params.length > 0 && BOOT_CONTEXTS.has(params[params.length - 1] as string);

/** What ConsoleLogger.error takes for a stack trace rather than a context name. */
const STACK = /^(.)+\n\s+at .+:\d+:\d+/;

/**
 * The standalone server's logger when LOG_FORMAT=json (the default): a Nest
 * LoggerService backed by pino, one JSON object per line on stdout:
 * `{"level":"info","time":1735689600000,"pid":1,"hostname":"h","context":"Ctx","msg":"..."}`
 * (`time` in milliseconds since the epoch), plus `stack` for errors. Nest's calling conventions are kept: the last string argument is the
 * context, and `error(message, stack, context)` carries a stack. Writes are asynchronous
 * (sonic-boom batches lines under load) and flushed when the process exits.
 */
export class JsonLogger implements LoggerService, AccessLog {
  private readonly pino: Pino;
  /** access lines: the `context` binding is serialised once, not per request */
  private readonly http: Pino;

  constructor(
    levels: readonly LogLevel[],
    private readonly stream: DestinationStream = pino.destination({ dest: 1, sync: false }),
  ) {
    this.pino = pino(
      {
        level: threshold(levels),
        // `time` stays pino's epoch milliseconds: an ISO string would cost a Date per line
        formatters: { level: (label) => ({ level: label }) },
      },
      stream,
    );
    this.http = this.pino.child({ context: 'HTTP' });
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write(isBootNarration(params) ? 'debug' : 'info', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params, true);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params, true);
  }

  setLogLevels(levels: LogLevel[]): void {
    this.pino.level = threshold(levels);
  }

  /** One line per HTTP request, at info level, context `HTTP`, message `request completed`. */
  access(entry: AccessLogEntry): void {
    this.http.info(entry, 'request completed');
  }

  /** Text for a person (the base URL, a bootstrap token), in order with the JSON lines. */
  print(text: string): void {
    this.stream.write(text);
  }

  private write(level: Level, message: unknown, params: unknown[], withStack = false): void {
    if (!this.pino.isLevelEnabled(level)) {
      return;
    }
    // ConsoleLogger's reading of the arguments: [...extra, stack?, context?]
    let context: string | undefined;
    let stack: string | undefined;
    let extra = params;
    if (withStack && params.length === 1 && typeof params[0] === 'string' && STACK.test(params[0])) {
      // error(message, stack), no context
      stack = params[0];
      extra = [];
    } else if (params.length > 0 && typeof params[params.length - 1] === 'string') {
      context = params[params.length - 1] as string;
      extra = params.slice(0, -1);
    }
    if (withStack && extra.length > 0) {
      // error(message, stack | undefined, context): Logger#error from a Logger with a context
      const last = extra[extra.length - 1];
      if (typeof last === 'string' || last === undefined) {
        stack = last;
        extra = extra.slice(0, -1);
      }
    }
    const fields: Record<string, unknown> = {};
    if (context !== undefined) {
      fields.context = context;
    }
    let msg: string;
    if (typeof message === 'string') {
      msg = message;
    } else if (message instanceof Error) {
      msg = message.message;
      stack ??= message.stack;
    } else {
      msg = '';
      fields.data = message;
    }
    if (stack !== undefined) {
      fields.stack = stack;
    }
    if (extra.length > 0) {
      fields.extra = extra;
    }
    this.pino[level](fields, msg);
  }
}

/**
 * The access lines when LOG_FORMAT=pretty: Nest's console format, context `HTTP`, e.g.
 * `GET /scim/v2/Users?count=1 200 3.1 ms (request 4e1f…)`.
 */
export class ConsoleAccessLog implements AccessLog {
  private readonly logger = new Logger('HTTP');

  access(e: AccessLogEntry): void {
    this.logger.log(`${e.method} ${e.url} ${e.status} ${e.durationMs} ms (request ${e.requestId})`);
  }
}

/** LOG_FORMAT=pretty: Nest's console format, with its start-up narration at debug level. */
export class QuietConsoleLogger extends ConsoleLogger {
  override log(message: unknown, ...params: unknown[]): void {
    if (isBootNarration(params)) {
      this.debug(message, ...params);
      return;
    }
    super.log(message, ...params);
  }
}
