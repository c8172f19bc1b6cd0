/**
 * Latency and injected faults, deterministic for a seed: the same seed and the same request order
 * give the same delays and the same failures, so client resilience tests are reproducible.
 */

export type Fault =
  | { kind: "status"; status: 500 | 502 | 503 | 504 }
  | { kind: "reset" }
  | { kind: "slowBody"; chunkDelayMs: number };

/**
 * When a status or reset fault strikes a write. "beforeProcessing" (the default): the request is
 * refused unprocessed, as a front end shedding load does. "afterProcessing": the write is committed
 * and only its answer is lost — the 5xx from a gateway that gave up waiting, or a reset — which is
 * what a client that repeats non-idempotent writes gets wrong on real Graph.
 */
export type WriteFaultTiming = "beforeProcessing" | "afterProcessing";

export interface FaultOptions {
  writeFaultTiming?: WriteFaultTiming;
  /**
   * Fault only requests with these methods (e.g. `["POST", "PATCH"]`: the non-idempotent writes);
   * default all. A `$batch` of reads counts as a GET.
   */
  methods?: readonly string[];
}

export interface FaultPlan {
  latencyMs: number;
  fault?: Fault;
  /** Deliver the fault once the request has been processed (see WriteFaultTiming). */
  afterProcessing?: true;
}

/** mulberry32: small, fast, and good enough for choosing delays and faults. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function seedNumber(seed: string | number): number {
  if (typeof seed === "number") return seed;
  let hash = 2166136261;
  for (let i = 0; i < seed.length; i++) hash = Math.imul(hash ^ seed.charCodeAt(i), 16777619);
  return hash >>> 0;
}

const STATUS_FAULTS = [500, 502, 503, 504] as const;

export class FaultInjector {
  private readonly random: () => number;

  constructor(
    seed: string | number,
    /** Mean added latency; each request draws from an exponential distribution around it (a long tail like a real service). */
    private readonly latencyMs: number,
    /** Probability in [0, 1] that a request fails. */
    private readonly faultRate: number,
    private readonly options: FaultOptions = {},
  ) {
    this.random = mulberry32(seedNumber(seed));
  }

  get active(): boolean {
    return this.latencyMs > 0 || this.faultRate > 0;
  }

  /** The latency and fault of the next request; `method` is GET for reads (a `$batch` of reads included). */
  next(method: string): FaultPlan {
    const latency = this.latencyMs > 0 ? Math.round(-Math.log(1 - this.random()) * this.latencyMs) : 0;
    if (this.options.methods && !this.options.methods.includes(method)) return { latencyMs: latency };
    const isWrite = method !== "GET" && method !== "HEAD";
    if (this.faultRate <= 0 || this.random() >= this.faultRate) return { latencyMs: latency };
    const pick = this.random();
    const after =
      isWrite && this.options.writeFaultTiming === "afterProcessing"
        ? { afterProcessing: true as const }
        : {};
    // 4 in 6 status faults, 1 in 6 resets, 1 in 6 slow bodies.
    if (pick < 4 / 6)
      return {
        latencyMs: latency,
        fault: { kind: "status", status: STATUS_FAULTS[Math.floor(pick * 6)]! },
        ...after,
      };
    if (pick < 5 / 6) return { latencyMs: latency, fault: { kind: "reset" }, ...after };
    // A slow body always follows processing: the answer trickles, it is not lost.
    return {
      latencyMs: latency,
      fault: { kind: "slowBody", chunkDelayMs: 200 + Math.round(this.random() * 800) },
    };
  }
}
