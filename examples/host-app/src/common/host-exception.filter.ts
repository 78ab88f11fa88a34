import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

/**
 * The host's own global error shape: `{ "error": { "status", "message" } }`. Registered as
 * APP_FILTER; SCIM controllers carry their own filter, which Nest prefers to a global one, so
 * SCIM errors keep the SCIM shape and the host's keep this one.
 */
@Catch()
export class HostExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(HostExceptionFilter.name);

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const status = exception instanceof HttpException ? exception.getStatus() : 500;
    const message = exception instanceof HttpException ? exception.message : 'Something went wrong';
    if (status >= 500) {
      this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    }
    const adapter = this.adapterHost.httpAdapter;
    const res = host.switchToHttp().getResponse<unknown>();
    adapter.setHeader(res, 'Content-Type', 'application/json; charset=utf-8');
    adapter.reply(res, { error: { status, message } }, status);
  }
}
