import type { MeterBytesSink, MeterSource } from "../../modules/app/ports";
import { segment, type TelegramCapture } from "./telegram-file";

export interface ReplayOptions {
  /** The meter's cadence: one telegram every 10 s (Swedish HAN). */
  intervalMs?: number;
  /** Replays N times faster. */
  speed?: number;
  /** Starts over at the end of the capture (a simulator runs until stopped). */
  loop?: boolean;
  /** Called just before each telegram's bytes are handed over (the terminal view and latency use it). */
  onTelegram?: (index: number, bytes: Uint8Array) => void;
  /** Called once when a non-looping replay has sent everything. */
  onEnd?: () => void;
}

/** The longest interval a Node timer keeps (2^31 - 1 ms, about 24.8 days); a longer one fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The replay as the simulator's header shows it: what is replayed, how many telegrams, how often. */
export function describeReplay(shown: string, capture: TelegramCapture, speed: number, intervalMs = 10_000): string {
  const counts = [`${capture.good} telegrams`];
  if (capture.rejected) counts.push(`${capture.rejected} damaged`);
  if (capture.withoutCrc) counts.push(`${capture.withoutCrc} without CRC, rejected: noCrc is off`);
  const seconds = Number((intervalMs / speed / 1000).toPrecision(3));
  return `replaying ${shown} (${counts.join(", ")}), every ${seconds} s${speed !== 1 ? ` (×${speed})` : ""}`;
}

/** A meter that sends the telegrams of a capture at the meter's cadence, the first one at once. */
export class ReplayMeterSource implements MeterSource {
  readonly overruns = 0;
  readonly framingErrors = 0;
  /** Telegrams sent so far. */
  sent = 0;
  private timer: NodeJS.Timeout | undefined;
  private index = 0;
  private readonly intervalMs: number;

  constructor(
    private readonly capture: TelegramCapture,
    private readonly options: ReplayOptions = {},
  ) {
    const speed = options.speed ?? 1;
    if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`replay speed must be a positive number, not ${speed}`);
    this.intervalMs = (options.intervalMs ?? 10_000) / speed;
    if (this.intervalMs > MAX_TIMER_MS) throw new RangeError(`replay speed ${speed} gives an interval beyond what a timer can wait`);
  }

  start(sink: MeterBytesSink): void {
    this.stop();
    const tick = () => {
      if (this.index >= this.capture.starts.length) {
        if (!this.options.loop) {
          this.stop();
          this.options.onEnd?.();
          return;
        }
        this.index = 0;
      }
      const bytes = segment(this.capture, this.index);
      this.options.onTelegram?.(this.index, bytes);
      this.index++;
      this.sent++;
      sink.onMeterBytes(bytes, 0, bytes.length);
    };
    this.timer = setInterval(tick, this.intervalMs);
    setImmediate(() => {
      if (this.timer) tick();
    });
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
