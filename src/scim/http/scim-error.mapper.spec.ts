import { BadRequestException, HttpException, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { toScimErrorResponse } from './scim-error.mapper';

/** An error shaped as Express's body-parser (http-errors) makes it. */
function bodyParserError(status: number, type: string, message: string): Error {
  return Object.assign(new Error(message), { status, statusCode: status, expose: true, type });
}

describe('toScimErrorResponse: framework errors of Fastify and Express', () => {
  it.each<[string, unknown, number, string | undefined]>([
    ['Fastify: body too large', Object.assign(new Error('x'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }), 413, undefined],
    ['Fastify router: a path that is not valid percent-encoding', Object.assign(new Error("'/scim/v2/Users/%zz' is not a valid url component"), { code: 'FST_ERR_BAD_URL', statusCode: 400 }), 400, 'invalidSyntax'],
    ['Express: body too large', bodyParserError(413, 'entity.too.large', 'request entity too large'), 413, undefined],
    ['Express: unsupported charset', bodyParserError(415, 'charset.unsupported', 'unsupported charset "LATIN1"'), 415, undefined],
    ['Express: unsupported encoding', bodyParserError(415, 'encoding.unsupported', 'unsupported content encoding "br"'), 415, undefined],
    ['Express: request aborted', bodyParserError(400, 'request.aborted', 'request aborted'), 400, 'invalidSyntax'],
    ['Express: parse failure as body-parser throws it', Object.assign(new SyntaxError('Unexpected end of JSON input'), { type: 'entity.parse.failed', status: 400 }), 400, 'invalidSyntax'],
    ['Express: parse failure as Nest rethrows it', new BadRequestException("Expected property name or '}' in JSON at position 1"), 400, 'invalidSyntax'],
    ['a host 400 about something else', new BadRequestException('name must be a string'), 400, undefined],
    ['an unmatched route (Express and Fastify wording)', new NotFoundException('Cannot GET /scim/v2/Nope'), 404, undefined],
    ['a missing token', new UnauthorizedException(), 401, undefined],
  ])('%s', (_label, error, status, scimType) => {
    const res = toScimErrorResponse(error);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status) });
    expect(res.body.scimType).toBe(scimType);
    expect(res.headers['Content-Type']).toBe('application/scim+json; charset=utf-8');
  });

  it('never echoes the parser message of a JSON failure', () => {
    const res = toScimErrorResponse(new BadRequestException('Unexpected token \'s\', "secret-ish" is not valid JSON'));
    expect(res.body.detail).toBe('The request body is not valid JSON');
  });

  it('says what a 415 wants, not the Content-Type Fastify saw (or "undefined")', () => {
    for (const seen of ['undefined', 'text/plain']) {
      const res = toScimErrorResponse(new HttpException(`Unsupported Media Type: ${seen}`, 415));
      expect(res.status).toBe(415);
      expect(res.body.detail).toBe('Unsupported Content-Type: send application/scim+json or application/json');
    }
  });

  it('names no route in the 404 of an unmatched one', () => {
    expect(toScimErrorResponse(new NotFoundException('Cannot GET /scim/v2/Nope')).body.detail).toBe(
      'Resource endpoint not found',
    );
  });
});
