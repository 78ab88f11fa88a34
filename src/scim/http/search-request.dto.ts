import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { SEARCH_REQUEST_SCHEMA } from '../../core/messages/list-response';
import { ListQueryDto, ScimInteger } from './list-query.dto';

/** RFC 7644 §3.4.3: the body of POST /Users/.search, /Groups/.search and /.search. */
export class SearchRequestDto {
  @IsArray()
  @IsIn([SEARCH_REQUEST_SCHEMA], { each: true, message: `schemas must be ["${SEARCH_REQUEST_SCHEMA}"]` })
  schemas!: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  attributes?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  excludedAttributes?: string[];

  @IsOptional()
  @IsString()
  @MaxLength(10000)
  filter?: string;

  @IsOptional()
  @IsString()
  sortBy?: string;

  @IsOptional()
  @IsIn(['ascending', 'descending'], { message: 'sortOrder must be "ascending" or "descending"' })
  sortOrder?: 'ascending' | 'descending';

  /** a JSON number such as 1e300 or 2^63 is out of range: 400 invalidValue */
  @IsOptional()
  @ScimInteger('startIndex')
  startIndex?: number;

  @IsOptional()
  @ScimInteger('count')
  count?: number;

  /** RFC 9865 cursor ("" for the first page) */
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;

  /**
   * the same query in the shape of GET's query parameters; a member sent as JSON null is one not
   * sent (RFC 7643 §2.5: null is equivalent to "unassigned"), as @IsOptional already lets it by
   */
  toListQuery(): ListQueryDto {
    const q = new ListQueryDto();
    q.filter = this.filter ?? undefined;
    q.sortBy = this.sortBy ?? undefined;
    q.sortOrder = this.sortOrder ?? undefined;
    q.startIndex = this.startIndex ?? undefined;
    q.count = this.count ?? undefined;
    q.cursor = this.cursor ?? undefined;
    q.attributes = this.attributes?.join(',');
    q.excludedAttributes = this.excludedAttributes?.join(',');
    return q;
  }
}
