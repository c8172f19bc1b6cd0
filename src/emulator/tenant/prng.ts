/**
 * Seeded pseudo-random numbers for the generator: the same seed gives the same tenant byte for byte.
 * sfc32 seeded through cyrb128 — fast, good enough statistically, and no Math.random anywhere.
 */

const HEX_CODES = Array.from("0123456789abcdef", (c) => c.charCodeAt(0));
/** Scratch space for building short strings without intermediate concatenations. */
const SCRATCH = Buffer.allocUnsafe(128);

/** cyrb128: hashes any string to four 32-bit words, used as the sfc32 state. */
function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  return [(h1 ^ h2 ^ h3 ^ h4) >>> 0, (h2 ^ h1) >>> 0, (h3 ^ h1) >>> 0, (h4 ^ h1) >>> 0];
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  readonly seed: string;

  constructor(seed: string | number) {
    this.seed = String(seed);
    [this.a, this.b, this.c, this.d] = cyrb128(this.seed);
    // Discard the first outputs: sfc32 is weakly mixed right after seeding.
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** An independent stream for one purpose, so adding draws in one place does not shift another. */
  fork(label: string): Rng {
    return new Rng(`${this.seed}/${label}`);
  }

  u32(): number {
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    this.d >>>= 0;
    let t = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    t = (t + this.d) | 0;
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Integer in [min, max] inclusive. */
  range(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("Rng.pick: empty list");
    return items[this.int(items.length)]!;
  }

  /** Picks by relative weight: `[[value, weight], …]`. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let r = this.next() * total;
    for (const [value, w] of items) {
      r -= w;
      if (r < 0) return value;
    }
    return items[items.length - 1]![0];
  }

  /** Lower-case hexadecimal string of `chars` digits. */
  hex(chars: number): string {
    const buf = chars <= SCRATCH.length ? SCRATCH : Buffer.allocUnsafe(chars);
    for (let i = 0; i < chars; i += 8) {
      let v = this.u32();
      for (let j = i; j < i + 8 && j < chars; j++) {
        buf[j] = HEX_CODES[v & 15]!;
        v >>>= 4;
      }
    }
    return buf.toString("latin1", 0, chars);
  }

  /** A random GUID with the version-4 layout. */
  guid(): string {
    // Written into a scratch buffer and decoded once: string concatenation would leave millions of
    // rope nodes behind in a large tenant (see bench/generator.ts).
    const b = SCRATCH;
    let pos = 0;
    for (let w = 0; w < 4; w++) {
      let v = this.u32();
      for (let k = 0; k < 8; k++) {
        if (pos === 8 || pos === 13 || pos === 18 || pos === 23) b[pos++] = 45; // "-"
        b[pos++] = HEX_CODES[v & 15]!;
        v >>>= 4;
      }
    }
    b[14] = 52; // version nibble "4"
    b[19] = HEX_CODES[8 + (b[19]! % 4)]!; // variant 10xx
    return b.toString("latin1", 0, 36);
  }

  /** Characters drawn from `alphabet` (ASCII). */
  chars(alphabet: string, n: number): string {
    const buf = n <= SCRATCH.length ? SCRATCH : Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) buf[i] = alphabet.charCodeAt(this.int(alphabet.length));
    return buf.toString("latin1", 0, n);
  }

  /** Digits as a string (leading zeros kept). */
  digits(n: number): string {
    return this.chars("0123456789", n);
  }
}
