import { ScimError } from '../errors/scim-error';

/** meta.version / ETag of a stored version number: a weak entity tag (RFC 7644 §3.14). */
export function etagOf(version: number): string {
  return `W/"${version}"`;
}

function tags(header: string): string[] {
  return header.split(',').map((t) => t.trim().replace(/^W\//i, ''));
}

/** If-Match: 412 unless `*` or one of the listed tags is the current version (weak compare). */
export function checkIfMatch(ifMatch: string | undefined, version: number): void {
  if (ifMatch === undefined || ifMatch.trim() === '*') {
    return;
  }
  if (!tags(ifMatch).includes(`"${version}"`)) {
    throw ScimError.preconditionFailed(
      `If-Match ${ifMatch} does not match the current version ${etagOf(version)}`,
    );
  }
}

/** If-None-Match on GET: true when the client's copy is current (answer 304). */
export function isNotModified(ifNoneMatch: string | undefined, version: number): boolean {
  if (ifNoneMatch === undefined) {
    return false;
  }
  return ifNoneMatch.trim() === '*' || tags(ifNoneMatch).includes(`"${version}"`);
}
