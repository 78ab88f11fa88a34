/**
 * A successful answer without a body whose status is decided at run time: 304 Not Modified for
 * a GET whose If-None-Match is current (RFC 7644 §3.14), 204 No Content for a PATCH whose
 * client asked for no attributes (§3.5.2). Handlers have fixed status codes, so the service
 * throws this and ScimExceptionFilter writes the status and headers with no body.
 */
export class EmptyResponse extends Error {
  constructor(
    readonly status: 204 | 304,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(status === 204 ? 'No Content' : 'Not Modified');
    this.name = 'EmptyResponse';
  }
}
