import { parseSince } from './audit-since.parser';

const NOW = Date.parse('2025-06-01T12:00:00.000Z');

describe('parseSince (audit --since)', () => {
  it.each([
    ['90s', '2025-06-01T11:58:30.000Z'],
    ['30m', '2025-06-01T11:30:00.000Z'],
    ['1h', '2025-06-01T11:00:00.000Z'],
    ['7d', '2025-05-25T12:00:00.000Z'],
    ['2W', '2025-05-18T12:00:00.000Z'],
    ['2025-05-31', '2025-05-31T00:00:00.000Z'],
    ['2025-05-31T10:00:00Z', '2025-05-31T10:00:00.000Z'],
    ['2025-05-31T10:00:00+02:00', '2025-05-31T08:00:00.000Z'],
  ])('%s → %s', (text, iso) => {
    expect(parseSince(text, NOW)).toBe(iso);
  });

  it.each(['', 'yesterday', '1y', '-1h', '1.5h', '2025-13-45', 'h'])('rejects %j', (text) => {
    expect(() => parseSince(text, NOW)).toThrow(/--since/);
  });
});
