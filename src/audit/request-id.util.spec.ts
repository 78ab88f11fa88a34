import { requestIdFrom, stampOf, stampRequest } from './request-id.util';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('request ids', () => {
  it.each(['abc-123', 'a.b_c:d-E9', 'x'.repeat(128), '0f1e2d3c-aaaa-4bbb-8ccc-123456789abc'])(
    'keeps the sane incoming id %j',
    (id) => {
      expect(requestIdFrom(id)).toBe(id);
      expect(requestIdFrom([id, 'other'])).toBe(id);
    },
  );

  it.each([undefined, '', 'x'.repeat(129), 'has space', 'new\nline', 'quote"', 'ünï', '<script>'])(
    'replaces %j with a new UUID',
    (id) => {
      expect(requestIdFrom(id)).toMatch(UUID);
    },
  );

  it('stamps a request once: every later reader sees the same id and start', () => {
    const req = { headers: { 'x-request-id': 'abc' } };
    expect(stampOf(req)).toBeUndefined();
    const first = stampRequest(req);
    expect(first.id).toBe('abc');
    expect(stampRequest(req)).toBe(first);
    expect(stampOf(req)).toBe(first);
    expect(stampRequest({ headers: {} }).id).not.toBe(stampRequest({ headers: {} }).id);
  });
});
