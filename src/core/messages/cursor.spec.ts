/**
 * RFC 9865 cursors in the core: the payload goes through the CursorCodec both ways, and
 * whatever the codec refuses, or opens to a position no store can use, is 400 invalidCursor.
 */
import { ScimError } from '../errors/scim-error';
import { CursorCodec } from '../ports/cursor-codec';
import { CursorPosition, decodeCursor, encodeCursor, queryFingerprint } from './cursor';

/** a stand-in for the sealing adapter: a marked, reversible wrapping */
const codec: CursorCodec = {
  seal: (p) => `sealed:${p}`,
  open: (c) => (c.startsWith('sealed:') ? c.slice('sealed:'.length) : undefined),
};

const fp = queryFingerprint(['userName pr', undefined, undefined]);

const refusal = (text: string) => {
  try {
    decodeCursor(text, fp, codec);
  } catch (e) {
    return e instanceof ScimError ? { status: e.status, scimType: e.scimType } : e;
  }
  return 'accepted';
};

describe('cursor (RFC 9865)', () => {
  it.each<CursorPosition>([
    { kind: 'after', key: '1' },
    { kind: 'before', key: '9223372036854775807' },
    { kind: 'offset', offset: 0 },
    { kind: 'offset', offset: Number.MAX_SAFE_INTEGER },
  ])('round-trips %j through the codec', (position) => {
    const text = encodeCursor(position, fp, codec);
    expect(text.startsWith('sealed:')).toBe(true);
    expect(decodeCursor(text, fp, codec)).toEqual(position);
  });

  it.each([
    ['text the codec does not open', 'garbage'],
    ['an unsealed payload', JSON.stringify({ v: 1, q: fp, o: 1 })],
    ['a sealed non-JSON payload', 'sealed:{'],
    ['another version', `sealed:${JSON.stringify({ v: 2, q: fp, o: 1 })}`],
    ['another query', `sealed:${JSON.stringify({ v: 1, q: 'other', o: 1 })}`],
    ['an offset of 1e300', `sealed:{"v":1,"q":"${fp}","o":1e300}`],
    ['an offset of 2^63', `sealed:{"v":1,"q":"${fp}","o":9223372036854775808}`],
    ['an offset of 2^53', `sealed:{"v":1,"q":"${fp}","o":9007199254740992}`],
    ['a negative offset', `sealed:{"v":1,"q":"${fp}","o":-1}`],
    ['a fractional offset', `sealed:{"v":1,"q":"${fp}","o":1.5}`],
    ['a row key of 20 digits', `sealed:{"v":1,"q":"${fp}","a":"99999999999999999999"}`],
    ['a row key that is a number', `sealed:{"v":1,"q":"${fp}","b":12}`],
    ['no position', `sealed:{"v":1,"q":"${fp}"}`],
    ['null', 'sealed:null'],
  ])('refuses %s with 400 invalidCursor', (_label, text) => {
    expect(refusal(text)).toEqual({ status: 400, scimType: 'invalidCursor' });
  });
});
