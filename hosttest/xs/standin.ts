import type { Pipeline, Recorder } from "./pipeline";

// Harness self-test subjects: a tiny frame checksummer in three flavours, so the harness can show
// that it sees slot allocations, string (chunk) allocations, and none.

const SLASH = 0x2f;
const BANG = 0x21;
const LF = 0x0a;

/** Numeric so the hot path compares integers (in xsnap a string literal is copied on each evaluation). */
export const StandinFlavour = { Prealloc: 0, Array: 1, String: 2 } as const;
export type StandinFlavourCode = (typeof StandinFlavour)[keyof typeof StandinFlavour];

/** Sums the bytes of each "/"…"!…\n" frame into a preallocated table. */
export class StandinChecksum implements Pipeline {
  frames = 0;
  private readonly sums = new Uint32Array(4);
  private inFrame = false;
  private afterBang = false;
  private lines: number[] = [];
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: written, never read: the string stand-in's allocation
  private text = "";

  constructor(
    private readonly record: Recorder | null,
    private readonly flavour: StandinFlavourCode,
  ) {}

  push(bytes: Uint8Array, start: number, end: number): void {
    const sums = this.sums;
    for (let i = start; i < end; i++) {
      const b = bytes[i];
      if (b === SLASH && !this.inFrame) {
        this.inFrame = true;
        this.afterBang = false;
        sums[0] = 0;
        sums[1] = 0;
        if (this.flavour === StandinFlavour.Array) this.lines = [];
      }
      if (!this.inFrame) continue;
      sums[0] = (sums[0] + b) >>> 0;
      if (b === LF) {
        sums[1]++;
        if (this.flavour === StandinFlavour.Array) this.lines.push(sums[0]);
        if (this.flavour === StandinFlavour.String) this.text = "" + sums[0];
        if (this.afterBang) this.complete();
      } else if (b === BANG) {
        this.afterBang = true;
      }
    }
  }

  end(): void {}

  private complete(): void {
    this.inFrame = false;
    this.frames++;
    if (this.record !== null) this.record({ sum: this.sums[0], lines: this.sums[1] });
  }
}

/** Only counts "!" bytes: the floor cost of touching every byte once, plus the feeding loop. */
export class ByteScan implements Pipeline {
  frames = 0;
  push(bytes: Uint8Array, start: number, end: number): void {
    for (let i = start; i < end; i++) if (bytes[i] === BANG) this.frames++;
  }
  end(): void {}
}
