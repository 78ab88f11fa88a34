import fc from 'fast-check';
import { indexPage } from './sql.util';

/** indexPage over an in-memory result set, counting the statements it runs. */
async function run(matches: number, startIndex: number, count: number) {
  const calls = { count: 0, page: 0 };
  const all = Array.from({ length: matches }, (_, i) => i);
  const out = await indexPage(
    { startIndex, count },
    async () => {
      calls.count++;
      return matches;
    },
    async () => {
      calls.page++;
      const offset = Math.max(0, startIndex - 1);
      return all.slice(offset, offset + count);
    },
  );
  return { ...out, calls };
}

describe('indexPage (RFC 7644 §3.4.2.4 index paging, COUNT only when needed)', () => {
  it.each([
    // matches, startIndex, count, statements run
    { matches: 1, startIndex: 1, count: 100, statements: 1, why: 'a one-row look-up (userName eq)' },
    { matches: 0, startIndex: 1, count: 100, statements: 1, why: 'no match from the first index' },
    { matches: 150, startIndex: 101, count: 100, statements: 1, why: 'the last, partial page' },
    { matches: 100, startIndex: 1, count: 100, statements: 2, why: 'a full page: more may follow' },
    { matches: 10, startIndex: 50, count: 100, statements: 2, why: 'a page past the end' },
    { matches: 10, startIndex: 1, count: 0, statements: 1, why: 'count=0 asks for the total only' },
  ])('$why: $statements statement(s)', async ({ matches, startIndex, count, statements }) => {
    const r = await run(matches, startIndex, count);
    expect(r.total).toBe(matches);
    expect(r.calls.count + r.calls.page).toBe(statements);
  });

  it('always reports the true total and the right rows (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 0, max: 120 }),
        async (matches, startIndex, count) => {
          const r = await run(matches, startIndex, count);
          const offset = startIndex - 1;
          expect(r.total).toBe(matches);
          expect(r.rows).toEqual(
            Array.from({ length: Math.max(0, Math.min(count, matches - offset)) }, (_, i) => offset + i),
          );
        },
      ),
    );
  });
});
