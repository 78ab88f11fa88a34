/**
 * xsd:dateTime handling for filters (RFC 7643 §2.3.5: dateTime values are xsd:dateTime;
 * RFC 7644 §3.4.2.2: dateTime comparisons are chronological).
 *
 * Accepted lexical form: `YYYY-MM-DDThh:mm:ss[.fraction][Z | (+|-)hh:mm]` with a 4-digit year,
 * real calendar dates (leap years), `24:00:00` as the end of the day, offsets up to ±14:00.
 * A value without a zone offset is taken as UTC (xsd leaves it "local"; a server has no
 * better choice). Instants are kept at millisecond precision (extra fraction digits are
 * truncated) and must lie within 0000-01-01T00:00:00Z .. 9999-12-31T23:59:59.999Z, so the
 * canonical form (`Date#toISOString`, e.g. `2011-05-13T04:42:34.000Z`) always has a 4-digit
 * year and canonical strings order lexicographically like the instants they denote.
 */

const MIN_INSTANT = new Date(0).setUTCFullYear(0, 0, 1); // 0000-01-01T00:00:00.000Z
const MAX_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

function digits(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const c = s.charCodeAt(i) - 0x30;
    if (!(c >= 0 && c <= 9)) {
      return -1;
    }
    n = n * 10 + c;
  }
  return n;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Epoch milliseconds of an xsd:dateTime string, or undefined when it is not one. */
export function parseDateTime(text: string): number | undefined {
  if (typeof text !== 'string' || text.length < 19 || text.length > 64) {
    return undefined;
  }
  const s = text;
  if (s[4] !== '-' || s[7] !== '-' || s[10] !== 'T' || s[13] !== ':' || s[16] !== ':') {
    return undefined;
  }
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return undefined;
  }
  if (hour < 0 || hour > 24 || minute < 0 || minute > 59 || second < 0 || second > 59) {
    return undefined;
  }
  let i = 19;
  let millis = 0;
  let fractionZero = true;
  if (s[i] === '.') {
    i++;
    const start = i;
    while (i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) {
      if (s[i] !== '0') {
        fractionZero = false;
      }
      if (i - start < 3) {
        millis = millis * 10 + (s.charCodeAt(i) - 0x30);
      }
      i++;
    }
    const count = i - start;
    if (count === 0) {
      return undefined;
    }
    for (let k = count; k < 3; k++) {
      millis *= 10;
    }
  }
  if (hour === 24 && (minute !== 0 || second !== 0 || !fractionZero)) {
    return undefined;
  }
  let offsetMinutes = 0;
  if (i < s.length) {
    const sign = s[i];
    if (sign === 'Z') {
      i++;
    } else if (sign === '+' || sign === '-') {
      const oh = digits(s, i + 1, 2);
      const om = digits(s, i + 4, 2);
      if (s[i + 3] !== ':' || oh < 0 || om < 0 || om > 59 || oh * 60 + om > 14 * 60) {
        return undefined;
      }
      offsetMinutes = (sign === '+' ? 1 : -1) * (oh * 60 + om);
      i += 6;
    } else {
      return undefined;
    }
  }
  if (i !== s.length) {
    return undefined;
  }
  // Date.UTC maps years 0..99 to 1900..1999, so set the full year explicitly
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, millis);
  const ms = d.getTime() - offsetMinutes * 60_000;
  return ms >= MIN_INSTANT && ms <= MAX_INSTANT ? ms : undefined;
}

/** True when `text` is an xsd:dateTime this server accepts. */
export function isDateTime(text: string): boolean {
  return parseDateTime(text) !== undefined;
}

/** Canonical UTC form (`2011-05-13T04:42:34.000Z`), or undefined when not a dateTime. */
export function normalizeFilterDateTime(text: string): string | undefined {
  const ms = parseDateTime(text);
  return ms === undefined ? undefined : new Date(ms).toISOString();
}
