/**
 * Properties of the address classifier: every IPv6 form that carries an IPv4 address is
 * judged like that address, and every way of writing an IPv4 address in a URL is judged like
 * its dotted-quad form.
 */
import fc from 'fast-check';
import { classifyAddress } from './destination-address';
import { EgressPolicy } from './egress-policy';

const NUM_RUNS = 500;

/** networks the generator aims at, so the special ranges are hit often, not once in 2^32 */
const SPECIAL_NETS: ReadonlyArray<[number, number, number, number, number]> = [
  [127, 0, 0, 0, 8],
  [10, 0, 0, 0, 8],
  [172, 16, 0, 0, 12],
  [192, 168, 0, 0, 16],
  [100, 64, 0, 0, 10],
  [169, 254, 0, 0, 16],
  [0, 0, 0, 0, 8],
  [224, 0, 0, 0, 4],
  [240, 0, 0, 0, 4],
  [192, 0, 2, 0, 24],
  [198, 18, 0, 0, 15],
];

const toInt = (o: readonly number[]) => ((o[0] << 24) | (o[1] << 16) | (o[2] << 8) | o[3]) >>> 0;
const octets = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const dotted = (n: number) => octets(n).join('.');
const hex16 = (n: number) => [(n >>> 16).toString(16), (n & 0xffff).toString(16)];

/** a 32-bit IPv4 address as an unsigned integer, half of them inside a special range */
const ipv4Int = fc.oneof(
  fc.nat({ max: 0xffffffff }),
  fc
    .tuple(fc.constantFrom(...SPECIAL_NETS), fc.nat({ max: 0xffffffff }))
    .map(([[a, b, c, d, bits], host]) => {
      const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
      return ((toInt([a, b, c, d]) & mask) | (host & ~mask)) >>> 0;
    }),
  fc.constantFrom(...['169.254.169.254', '100.100.100.200', '255.255.255.255'].map((a) => toInt(a.split('.').map(Number)))),
);

const verdict = (a: string) => classifyAddress(a);

describe('classifyAddress properties', () => {
  it('an IPv4-mapped address (dotted or hex) is judged like its IPv4 address', () => {
    fc.assert(
      fc.property(ipv4Int, (n) => {
        const v4 = verdict(dotted(n));
        expect(verdict(`::ffff:${dotted(n)}`)).toEqual(v4);
        expect(verdict(`::ffff:${hex16(n).join(':')}`)).toEqual(v4);
        expect(verdict(`[0:0:0:0:0:ffff:${hex16(n).join(':')}]`)).toEqual(v4);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('NAT64, 6to4, translated and compatible forms of a refused IPv4 address are refused alike', () => {
    fc.assert(
      fc.property(ipv4Int, (n) => {
        const v4 = verdict(dotted(n));
        const [hi, lo] = hex16(n);
        for (const form of [`64:ff9b::${hi}:${lo}`, `2002:${hi}:${lo}::1`, `::ffff:0:${hi}:${lo}`]) {
          expect(verdict(form)).toEqual(v4);
        }
        const compatible = verdict(`::${dotted(n)}`);
        expect(compatible.allowed).toBe(false);
        if (!v4.allowed && n > 1) {
          expect(compatible).toEqual(v4);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('every URL spelling of an IPv4 address (decimal, hex, octal, short) is judged like the dotted form', () => {
    fc.assert(
      fc.property(ipv4Int, (n) => {
        const o = octets(n);
        const spellings = [
          String(n),
          `0x${n.toString(16)}`,
          o.map((x) => `0${x.toString(8)}`).join('.'),
          o.map((x) => `0x${x.toString(16)}`).join('.'),
          `${o[0]}.${(n & 0xffffff) >>> 0}`,
          `${o[0]}.${o[1]}.${n & 0xffff}`,
        ];
        for (const s of spellings) {
          const url = new URL(`http://${s}/hook`);
          expect(url.hostname).toBe(dotted(n));
          expect(EgressPolicy.STRICT.literalRefusal(url)?.reason ?? null).toBe(
            verdict(dotted(n)).allowed ? null : (verdict(dotted(n)) as { reason: string }).reason,
          );
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('allowlisting an IPv4 address opens its mapped forms too, and nothing next to it', () => {
    fc.assert(
      fc.property(ipv4Int, (n) => {
        const policy = new EgressPolicy([dotted(n)]);
        expect(policy.refusal(dotted(n))).toBeNull();
        expect(policy.refusal(`::ffff:${hex16(n).join(':')}`)).toBeNull();
        const next = dotted((n + 1) >>> 0);
        expect(policy.refusal(next)).toBe(EgressPolicy.STRICT.refusal(next));
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
