/**
 * The validation pipe's direct path for query DTOs gives exactly what
 * class-transformer + class-validator give: the same DTO, or the same 400.
 */
import { ArgumentMetadata, Type, ValidationPipe } from '@nestjs/common';
import fc from 'fast-check';
import { ScimError } from '../../core/errors/scim-error';
import { ListQueryDto, ProjectionQueryDto, listQueryOf, projectionQueryOf } from './list-query.dto';
import { MAX_ENVELOPE_DEPTH, envelopeShapeError, scimValidationPipe } from './scim-validation.pipe';
import { SearchRequestDto } from './search-request.dto';

/** the pipe as it was: decorators only */
const reference = new ValidationPipe({
  transform: true,
  whitelist: true,
  exceptionFactory: (errors) =>
    ScimError.invalidValue(errors.flatMap((e) => Object.values(e.constraints ?? {})).join('; ')),
});

const meta = (metatype: Type<unknown>): ArgumentMetadata => ({ type: 'query', metatype });

async function outcome(pipe: ValidationPipe, value: unknown, metatype: Type<unknown>) {
  try {
    const dto = (await pipe.transform(value, meta(metatype))) as object;
    return { ok: true, type: dto.constructor, dto: { ...dto } };
  } catch (e) {
    return { ok: false, status: (e as ScimError).status, detail: (e as ScimError).detail };
  }
}

/** a query object as Fastify's parser makes it: no prototype */
const query = (o: Record<string, unknown>) => Object.assign(Object.create(null) as object, o);

const LIST_CASES: Record<string, unknown>[] = [
  {},
  { filter: 'userName eq "bjensen"' },
  { filter: '' },
  { filter: 'x'.repeat(10000) },
  { filter: 'x'.repeat(10001) },
  { filter: '😀'.repeat(5001) },
  { filter: ['a', 'b'] },
  { startIndex: '1', count: '100' },
  { startIndex: ' 7 ', count: '-1' },
  { startIndex: '0' },
  { startIndex: '1.5' },
  { startIndex: '' },
  { count: 'abc' },
  { count: '1e3' },
  { count: '99999999999999999999999' },
  { startIndex: '9'.repeat(300) },
  { startIndex: '9223372036854775808' },
  { startIndex: '9007199254740991', count: '-9007199254740991' },
  { startIndex: '9007199254740992' },
  { count: '-18446744073709551617' },
  { count: ['1', '2'] },
  { sortBy: 'userName', sortOrder: 'descending' },
  { sortOrder: 'DESCENDING' },
  { sortOrder: '' },
  { cursor: '' },
  { cursor: 'c'.repeat(512) },
  { cursor: 'c'.repeat(513) },
  { attributes: 'userName,emails', excludedAttributes: 'groups' },
  { attributes: ['a', 'b'] },
  { unknown: 'dropped', filter: 'active pr' },
  { constructor: 'x', __proto__x: 'y' },
];

const PROJECTION_CASES: Record<string, unknown>[] = [
  {},
  { attributes: 'userName' },
  { excludedAttributes: 'members' },
  { attributes: '' },
  { attributes: ['a', 'b'] },
  { excludedAttributes: { nested: 'x' } },
  { other: '1' },
];

describe('scimValidationPipe: direct path for query DTOs', () => {
  it.each(LIST_CASES.map((c) => [JSON.stringify(c), c]))('ListQueryDto %s', async (_l, c) => {
    expect(await outcome(scimValidationPipe, query(c), ListQueryDto)).toEqual(
      await outcome(reference, query(c), ListQueryDto),
    );
  });

  it.each(PROJECTION_CASES.map((c) => [JSON.stringify(c), c]))('ProjectionQueryDto %s', async (_l, c) => {
    expect(await outcome(scimValidationPipe, query(c), ProjectionQueryDto)).toEqual(
      await outcome(reference, query(c), ProjectionQueryDto),
    );
  });

  it('takes the direct path for the queries IdPs send', () => {
    expect(projectionQueryOf(query({}))).toBeInstanceOf(ProjectionQueryDto);
    expect(listQueryOf(query({ filter: 'userName eq "a@b.c"' }))).toMatchObject({
      filter: 'userName eq "a@b.c"',
    });
    expect(listQueryOf(query({ startIndex: '1', count: '100' }))).toMatchObject({
      startIndex: 1,
      count: 100,
    });
    expect(listQueryOf(query({ count: 'abc' }))).toBeUndefined();
  });

  it('agrees with the decorators on arbitrary query objects', async () => {
    const value = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.integer().map(String),
      fc.constantFrom('ascending', 'descending', '', ' 1', '-0', '0x1'),
      fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }),
    );
    const key = fc.constantFrom(
      'filter',
      'startIndex',
      'count',
      'sortBy',
      'sortOrder',
      'cursor',
      'attributes',
      'excludedAttributes',
      'other',
    );
    await fc.assert(
      fc.asyncProperty(fc.dictionary(key, value, { maxKeys: 5 }), async (o) => {
        for (const type of [ListQueryDto, ProjectionQueryDto]) {
          expect(await outcome(scimValidationPipe, query(o), type)).toEqual(
            await outcome(reference, query(o), type),
          );
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('scimValidationPipe: bodies', () => {
  const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
  const body = (value: unknown) =>
    scimValidationPipe.transform(value, { type: 'body', metatype: SearchRequestDto });

  // class-transformer reads a nested object's `constructor` to type it and threw a TypeError (a 500)
  it.each([
    ['an array element', { schemas: [SEARCH], attributes: [{ constructor: {} }] }],
    ['a member value', { schemas: [SEARCH], filter: { constructor: 'x' } }],
    ['an unknown member', { schemas: [SEARCH], x: [[{ constructor: 1 }]] }],
    ['schemas', { schemas: [SEARCH, { constructor: ' ' }] }],
  ])('a nested "constructor" member in %s is 400 invalidValue', async (_l, value) => {
    await expect(body(JSON.parse(JSON.stringify(value)))).rejects.toMatchObject({
      status: 400,
      scimType: 'invalidValue',
    });
  });

  it('a top-level "constructor" member is an unknown member like any other', async () => {
    const dto = (await body({ schemas: [SEARCH], constructor: 'x', filter: 'userName pr' })) as SearchRequestDto;
    expect(dto).toBeInstanceOf(SearchRequestDto);
    expect(dto.toListQuery().filter).toBe('userName pr');
  });

  // class-transformer recursed once per level and overflowed the stack (a 500)
  it.each([
    ['arrays', (v: unknown) => [v]],
    ['objects', (v: unknown) => ({ x: v })],
  ])('a body nested 100,000 levels deep in %s is 400 invalidValue', async (_l, wrap) => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) {
      deep = wrap(deep);
    }
    await expect(body({ schemas: [SEARCH], attributes: [deep] })).rejects.toMatchObject({
      status: 400,
      scimType: 'invalidValue',
    });
    await expect(body({ schemas: [SEARCH], unknown: deep })).rejects.toMatchObject({ status: 400 });
  });

  it('finds either fault at any depth without recursion, and nothing in a plain envelope', () => {
    let deep: unknown = { constructor: 1 };
    for (let i = 0; i < MAX_ENVELOPE_DEPTH - 1; i++) {
      deep = [deep];
    }
    expect(envelopeShapeError({ a: deep })).toMatch(/constructor/);
    expect(envelopeShapeError({ a: [deep] })).toMatch(/levels deep/);
    expect(envelopeShapeError({ constructor: 1, a: [{ b: 'constructor' }] })).toBeUndefined();
  });

  it('leaves bodies that are not envelope DTOs (resource bodies) to the schema core', async () => {
    const resource = { schemas: ['x'], name: { constructor: 'x' } };
    expect(await scimValidationPipe.transform(resource, { type: 'body', metatype: Object })).toBe(resource);
  });

  it('answers any JSON body with a DTO or a ScimError (property)', async () => {
    const key = fc.constantFrom('schemas', 'filter', 'attributes', 'count', 'constructor', 'toString', 'x');
    const json = fc.letrec<{ v: unknown }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.jsonValue({ maxDepth: 0 }),
        fc.array(tie('v'), { maxLength: 3 }),
        fc.dictionary(key, tie('v'), { maxKeys: 3 }),
      ),
    })).v;
    await fc.assert(
      fc.asyncProperty(fc.dictionary(key, json, { maxKeys: 4 }), async (o) => {
        const value = JSON.parse(JSON.stringify(o)) as unknown;
        await body(value).catch((e: unknown) => expect(e).toBeInstanceOf(ScimError));
      }),
      { numRuns: 300 },
    );
  });
});
