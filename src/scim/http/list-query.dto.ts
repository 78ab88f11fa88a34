import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, MaxLength, ValidateBy } from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

/**
 * An integer paging parameter (RFC 7644 §3.4.2.4 startIndex / count). In range, the planner
 * clamps it as the RFC says (startIndex < 1 is 1, count < 0 is 0); a value that is not a safe
 * integer (300 digits, 2^63, 1e300) cannot be one the client meant and would reach the database
 * as a float, so it is 400 invalidValue, never a 500.
 */
export function ScimInteger(name: string): PropertyDecorator {
  return ValidateBy(
    { name: 'scimInteger', validator: { validate: (v: unknown) => Number.isSafeInteger(v) } },
    { message: `${name} must be an integer from -${Number.MAX_SAFE_INTEGER} to ${Number.MAX_SAFE_INTEGER}` },
  );
}

/** RFC 7644 §3.4.2 query parameters of GET /Users and GET /Groups. */
export class ListQueryDto {
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  filter?: string;

  @IsOptional()
  @Transform(toInt)
  @ScimInteger('startIndex')
  startIndex?: number;

  @IsOptional()
  @Transform(toInt)
  @ScimInteger('count')
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

/*
 * Most requests carry no query at all, or plain strings the decorators above accept
 * as they are; for those the DTO is built directly, without class-transformer and
 * class-validator (~20-40 µs a request). Anything else (a repeated parameter, a number that is
 * not an integer, an over-long filter, an unknown sortOrder...) returns undefined, and the
 * validation pipe runs the decorators, which also word the 400. These functions must accept
 * nothing the decorators refuse and give what plainToInstance + whitelist would
 * (scim-validation.pipe.spec.ts compares the two).
 */

const STRING_PARAMETERS = [
  'filter',
  'sortBy',
  'cursor',
  'sortOrder',
  'attributes',
  'excludedAttributes',
] as const;

const isPlainQuery = (q: unknown): q is Record<string, unknown> =>
  typeof q === 'object' && q !== null && !Array.isArray(q);

const optionalString = (v: unknown, maxLength = Infinity): boolean =>
  v === undefined || (typeof v === 'string' && v.length <= maxLength);

/** The safe integer the decorators make of a startIndex / count value, or NaN when they refuse it. */
function optionalInt(v: unknown): number | undefined {
  if (v === undefined) {
    return undefined;
  }
  const n = toInt({ value: v });
  return Number.isSafeInteger(n) ? (n as number) : NaN;
}

/** ProjectionQueryDto of a query whose (excluded)attributes are strings, else undefined. */
export function projectionQueryOf(q: unknown): ProjectionQueryDto | undefined {
  if (!isPlainQuery(q) || !optionalString(q.attributes) || !optionalString(q.excludedAttributes)) {
    return undefined;
  }
  const dto = new ProjectionQueryDto();
  if (q.attributes !== undefined) {
    dto.attributes = q.attributes as string;
  }
  if (q.excludedAttributes !== undefined) {
    dto.excludedAttributes = q.excludedAttributes as string;
  }
  return dto;
}

/** ListQueryDto of a query whose every known parameter the decorators accept as is, else undefined. */
export function listQueryOf(q: unknown): ListQueryDto | undefined {
  if (!isPlainQuery(q)) {
    return undefined;
  }
  const startIndex = optionalInt(q.startIndex);
  const count = optionalInt(q.count);
  if (
    Number.isNaN(startIndex) ||
    Number.isNaN(count) ||
    !optionalString(q.filter, 10000) ||
    !optionalString(q.sortBy) ||
    !optionalString(q.cursor, 512) ||
    !(q.sortOrder === undefined || q.sortOrder === 'ascending' || q.sortOrder === 'descending') ||
    !optionalString(q.attributes) ||
    !optionalString(q.excludedAttributes)
  ) {
    return undefined;
  }
  const dto = new ListQueryDto();
  for (const key of STRING_PARAMETERS) {
    if (q[key] !== undefined) {
      (dto as Record<string, unknown>)[key] = q[key];
    }
  }
  if (startIndex !== undefined) {
    dto.startIndex = startIndex;
  }
  if (count !== undefined) {
    dto.count = count;
  }
  return dto;
}
