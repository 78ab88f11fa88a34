import { ScimStaticOptions } from '../scim.options';

/** What the base URL is derived from, on Fastify and Express alike. */
export interface ScimHttpRequest {
  url: string;
  originalUrl?: string;
  protocol?: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A request header's (first) value. */
export const header = (req: ScimHttpRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * The absolute base URL of the SCIM API (meta.location, $ref): the configured `baseUrl`, or the
 * request's origin plus the path up to the SCIM mount point.
 */
export function scimBaseUrl(
  req: ScimHttpRequest,
  options: Pick<ScimStaticOptions, 'baseUrl' | 'path'>,
): string {
  if (options.baseUrl) {
    return options.baseUrl.replace(/\/+$/, '');
  }
  const proto = header(req, 'x-forwarded-proto')?.split(',')[0].trim() || req.protocol || 'http';
  const host = header(req, 'x-forwarded-host') ?? header(req, 'host') ?? 'localhost';
  const path = (req.originalUrl ?? req.url).split('?')[0];
  const mount = '/' + options.path.replace(/^\/+|\/+$/g, '');
  const idx = path.toLowerCase().indexOf(mount.toLowerCase());
  const prefix = idx >= 0 ? path.slice(0, idx + mount.length) : mount;
  return `${proto}://${host}${prefix}`;
}
