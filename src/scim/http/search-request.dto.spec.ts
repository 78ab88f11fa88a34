/**
 * The .search body (RFC 7644 §3.4.3) as the validation pipe makes it, turned into the query of
 * GET: a member sent as JSON null is a member not sent (RFC 7643 §2.5).
 */
import { ScimError } from '../../core/errors/scim-error';
import { scimValidationPipe } from './scim-validation.pipe';
import { SearchRequestDto } from './search-request.dto';

const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

const validated = async (body: object) =>
  (await scimValidationPipe.transform(body, { type: 'body', metatype: SearchRequestDto })) as SearchRequestDto;

describe('SearchRequestDto.toListQuery', () => {
  // "filter": null passed @IsOptional and reached filter.trim(): a 500
  it('reads every member sent as null as absent', async () => {
    const members = ['filter', 'sortBy', 'sortOrder', 'startIndex', 'count', 'cursor', 'attributes', 'excludedAttributes'];
    const body = Object.fromEntries([['schemas', [SEARCH]], ...members.map((m) => [m, null])]) as object;
    const q = (await validated(body)).toListQuery();
    for (const m of members) {
      expect({ [m]: (q as unknown as Record<string, unknown>)[m] }).toEqual({ [m]: undefined });
    }
  });

  it('keeps the members that are sent', async () => {
    const q = (
      await validated({
        schemas: [SEARCH],
        filter: 'userName pr',
        sortBy: 'userName',
        sortOrder: 'descending',
        startIndex: 2,
        count: 5,
        attributes: ['userName', 'emails'],
        excludedAttributes: ['groups'],
      })
    ).toListQuery();
    expect({ ...q }).toEqual({
      filter: 'userName pr',
      sortBy: 'userName',
      sortOrder: 'descending',
      startIndex: 2,
      count: 5,
      cursor: undefined,
      attributes: 'userName,emails',
      excludedAttributes: 'groups',
    });
  });

  it('still refuses a member of the wrong type', async () => {
    await expect(validated({ schemas: [SEARCH], filter: 7 })).rejects.toBeInstanceOf(ScimError);
  });
});
