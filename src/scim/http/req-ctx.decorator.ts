import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ScimError } from '../../core/errors/scim-error';
import { REQUEST_CONTEXT_KEY, RequestContext } from './request-context';

/** The RequestContext built by ScimRequestGuard (the last guard of every SCIM controller). */
export const ReqCtx = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestContext => {
  const req = ctx.switchToHttp().getRequest<Record<string, unknown>>();
  const context = req[REQUEST_CONTEXT_KEY] as RequestContext | undefined;
  if (!context) {
    throw ScimError.unauthorized();
  }
  return context;
});
