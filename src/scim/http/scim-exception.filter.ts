import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { noteRefusal } from '../../audit/audit-error.util';
import { EmptyResponse } from './empty-response';
import { toScimErrorResponse } from './scim-error.mapper';

/** Catches everything thrown under a SCIM controller and answers with a SCIM error body. */
@Catch()
export class ScimExceptionFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<unknown>();
    const adapter = this.adapterHost.httpAdapter;
    if (exception instanceof EmptyResponse) {
      for (const [k, v] of Object.entries(exception.headers)) {
        adapter.setHeader(res, k, v);
      }
      adapter.reply(res, undefined, exception.status);
      return;
    }
    const { status, body, headers } = toScimErrorResponse(exception);
    // the audit row of the request keeps what it was refused with
    noteRefusal(http.getRequest<object>(), body);
    for (const [k, v] of Object.entries(headers)) {
      adapter.setHeader(res, k, v);
    }
    adapter.reply(res, body, status);
  }
}
