import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { OAuthError } from '../../core/oauth/oauth-error';
import { NO_STORE } from './token-endpoint.service';

/**
 * What fails under the OAuth controllers before or outside the token endpoint's own handling
 * (a body the parser refused, an unexpected error) is still an RFC 6749 §5.2 JSON error, never
 * a SCIM or HTML body: a 4xx is invalid_request, anything else a 500 server_error.
 */
@Catch()
export class OAuthExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ScimOAuth');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(e: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<unknown>();
    const adapter = this.adapterHost.httpAdapter;
    const status =
      e instanceof OAuthError
        ? e.status
        : e instanceof HttpException
          ? e.getStatus()
          : typeof (e as { statusCode?: unknown })?.statusCode === 'number'
            ? (e as { statusCode: number }).statusCode
            : 500;
    const client = status >= 400 && status < 500;
    if (!client) {
      this.logger.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    }
    const body =
      e instanceof OAuthError
        ? e.toBody()
        : client
          ? { error: 'invalid_request', error_description: 'The request is malformed' }
          : { error: 'server_error', error_description: 'Internal server error' };
    for (const [k, v] of Object.entries({
      'Content-Type': 'application/json; charset=utf-8',
      ...NO_STORE,
      ...(e instanceof OAuthError ? e.headers : {}),
    })) {
      adapter.setHeader(res, k, v);
    }
    adapter.reply(res, body, client || e instanceof OAuthError ? status : 500);
  }
}
