import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, MaxLength } from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

/** RFC 7644 §3.4.2 query parameters of GET /Users and GET /Groups. */
export class ListQueryDto {
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  filter?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'startIndex must be an integer' })
  startIndex?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'count must be an integer' })
  count?: number;

  @IsOptional()
  @IsString()
  sortBy?: string;

  /** RFC 9865: present (empty for the first page) to page by cursor */
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;

  @IsOptional()
  @IsIn(['ascending', 'descending'], { message: 'sortOrder must be "ascending" or "descending"' })
  sortOrder?: 'ascending' | 'descending';

  @IsOptional()
  @IsString()
  attributes?: string;

  @IsOptional()
  @IsString()
  excludedAttributes?: string;
}

/** attributes / excludedAttributes of single-resource reads and of write responses. */
export class ProjectionQueryDto {
  @IsOptional()
  @IsString()
  attributes?: string;

  @IsOptional()
  @IsString()
  excludedAttributes?: string;
}
