import { ScimErrorBody } from '../errors/scim-error';
import { BULK_RESPONSE_SCHEMA } from './list-response';

/** The BulkResponse message (RFC 7644 §3.7.3). Pure: the Nest service fills in the results. */

/** One entry of a BulkResponse's Operations (RFC 7644 §3.7.3); `status` is a string. */
export interface BulkOperationResult {
  location?: string;
  method: string;
  bulkId?: string;
  version?: string;
  status: string;
  response?: ScimErrorBody;
}

export interface BulkResponse {
  schemas: [typeof BULK_RESPONSE_SCHEMA];
  Operations: BulkOperationResult[];
}

/** The BulkResponse (RFC 7644 §3.7.3). */
export function bulkResponse(results: BulkOperationResult[]): BulkResponse {
  return { schemas: [BULK_RESPONSE_SCHEMA], Operations: results };
}
