import { Logger } from '@nestjs/common';
import { hostname } from 'node:os';
import { JsonLogger } from './json.logger';

/** A pino destination that keeps what it is given. */
function capture() {
  const chunks: string[] = [];
  return {
    stream: { write: (s: string) => void chunks.push(s) },
    /** every line written so far, each parsed as JSON */
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    text: () => chunks.join(''),
  };
}


describe('JsonLogger (structured JSON logs)', () => {
  it('writes one JSON object per line: level, time, pid, hostname, context, msg', () => {
    const out = capture();
    const logger = new JsonLogger(['fatal', 'error', 'warn', 'log'], out.stream);
    logger.log('Nest application successfully started', 'NestApplication');
    logger.warn('careful');
    expect(out.text().endsWith('\n')).toBe(true);
    expect(out.text().split('\n').filter(Boolean)).toHaveLength(2);
    const [started, careful] = out.lines();
    expect(Math.abs((started.time as number) - Date.now())).toBeLessThan(60_000);
    expect(started).toEqual({
      level: 'info',
      time: expect.any(Number),
      pid: process.pid,
      hostname: hostname(),
      context: 'NestApplication',
      msg: 'Nest application successfully started',
    });
    expect(careful).toMatchObject({ level: 'warn', msg: 'careful' });
    expect(careful.context).toBeUndefined();
  });

  it('logs errors with their stack, in each of the forms Nest calls it', () => {
    const out = capture();
    const logger = new JsonLogger(['error'], out.stream);
    const e = new Error('boom');
    logger.error('failed', e.stack, 'Ctx');
    logger.error(e);
    logger.error('no stack', 'Ctx');
    logger.error('static with stack', e.stack);
    const [withStack, fromError, noStack, staticStack] = out.lines();
    expect(withStack).toMatchObject({ level: 'error', msg: 'failed', context: 'Ctx', stack: e.stack });
    expect(fromError).toMatchObject({ level: 'error', msg: 'boom', stack: e.stack });
    expect(noStack).toMatchObject({ msg: 'no stack', context: 'Ctx' });
    expect(noStack.stack).toBeUndefined();
    expect(staticStack).toMatchObject({ msg: 'static with stack', stack: e.stack });
    expect(staticStack.context).toBeUndefined();
  });

  it('is what a Nest Logger with a context writes through', () => {
    const out = capture();
    const json = new JsonLogger(['fatal', 'error', 'warn', 'log'], out.stream);
    Logger.overrideLogger(json);
    try {
      const logger = new Logger('ScimRequest');
      logger.log('hello');
      logger.error('GET /x answered 500');
      logger.error('with a stack', 'Error: x\n    at f (file.ts:1:2)');
    } finally {
      Logger.overrideLogger(false);
    }
    expect(out.lines()).toEqual([
      expect.objectContaining({ level: 'info', context: 'ScimRequest', msg: 'hello' }),
      expect.objectContaining({ level: 'error', context: 'ScimRequest', msg: 'GET /x answered 500' }),
      expect.objectContaining({ level: 'error', context: 'ScimRequest', stack: 'Error: x\n    at f (file.ts:1:2)' }),
    ]);
    expect(out.lines()[1].stack).toBeUndefined();
  });

  it('keeps to the enabled levels, and follows setLogLevels', () => {
    const out = capture();
    const logger = new JsonLogger(['fatal', 'error', 'warn'], out.stream);
    logger.log('dropped');
    logger.debug('dropped');
    logger.fatal('kept');
    logger.setLogLevels(['fatal', 'error', 'warn', 'log', 'debug', 'verbose']);
    logger.debug('now kept');
    logger.verbose('also kept');
    expect(out.lines().map((l) => [l.level, l.msg])).toEqual([
      ['fatal', 'kept'],
      ['debug', 'now kept'],
      ['trace', 'also kept'],
    ]);
    logger.setLogLevels([]);
    logger.fatal('silent');
    expect(out.lines()).toHaveLength(3);
  });

  it("logs Nest's start-up narration (modules, routes) at debug, the rest of its lines at info", () => {
    const out = capture();
    const logger = new JsonLogger(['fatal', 'error', 'warn', 'log'], out.stream);
    logger.log('AppModule dependencies initialized', 'InstanceLoader');
    logger.log('Mapped {/health/live, GET} route', 'RouterExplorer');
    logger.log('HealthController {/health}:', 'RoutesResolver');
    logger.log('Starting Nest application...', 'NestFactory');
    logger.log('Nest application successfully started', 'NestApplication');
    expect(out.lines().map((l) => [l.level, l.context])).toEqual([['info', 'NestApplication']]);
    logger.setLogLevels(['log', 'debug']);
    logger.log('Mapped {/metrics, GET} route', 'RouterExplorer');
    expect(out.lines()[1]).toMatchObject({ level: 'debug', context: 'RouterExplorer' });
  });

  it('keeps an object message as data', () => {
    const out = capture();
    new JsonLogger(['log'], out.stream).log({ a: 1 }, 'Ctx');
    expect(out.lines()[0]).toMatchObject({ context: 'Ctx', msg: '', data: { a: 1 } });
  });

  it('writes an access line with the request fields, leaving out the absent ones', () => {
    const out = capture();
    const logger = new JsonLogger(['log'], out.stream);
    logger.access({
      method: 'GET',
      route: '/scim/v2/Users/:id',
      url: '/scim/v2/Users/42?attributes=userName',
      status: 200,
      durationMs: 1.25,
      requestId: 'req-1',
      tenantId: 't-1',
      tokenId: 'k-1',
      userAgent: 'Okta SCIM Client 1.0.0',
      clientIp: '127.0.0.1',
    });
    logger.access({ method: 'GET', route: 'unmatched', url: '/nope', status: 404, durationMs: 0.1 });
    const [authenticated, anonymous] = out.lines();
    expect(authenticated).toEqual({
      level: 'info',
      time: expect.any(Number),
      pid: process.pid,
      hostname: hostname(),
      context: 'HTTP',
      msg: 'request completed',
      method: 'GET',
      route: '/scim/v2/Users/:id',
      url: '/scim/v2/Users/42?attributes=userName',
      status: 200,
      durationMs: 1.25,
      requestId: 'req-1',
      tenantId: 't-1',
      tokenId: 'k-1',
      userAgent: 'Okta SCIM Client 1.0.0',
      clientIp: '127.0.0.1',
    });
    expect(Object.keys(anonymous)).not.toEqual(expect.arrayContaining(['tenantId']));
    expect(anonymous).toMatchObject({ context: 'HTTP', status: 404, route: 'unmatched' });
  });

  it('writes access lines only at info level or below', () => {
    const out = capture();
    new JsonLogger(['warn'], out.stream).access({ method: 'GET', route: '/', url: '/', status: 200, durationMs: 1 });
    expect(out.text()).toBe('');
  });

  it('prints text for a person as it is, between the JSON lines', () => {
    const out = capture();
    const logger = new JsonLogger(['log'], out.stream);
    logger.log('before');
    logger.print('SCIM base URL: http://localhost:3000/scim/v2\n');
    logger.log('after');
    const lines = out.text().split('\n');
    expect(lines[1]).toBe('SCIM base URL: http://localhost:3000/scim/v2');
    expect(JSON.parse(lines[0]).msg).toBe('before');
    expect(JSON.parse(lines[2]).msg).toBe('after');
  });
});
