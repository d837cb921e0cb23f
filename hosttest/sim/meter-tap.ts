import type { MeterBytesSink, MeterSource } from "../../modules/app/ports";
import { Framer } from "../../modules/p1/framer";
import { ObisCatalog } from "../../modules/p1/obis-catalog";
import { TelegramParser } from "../../modules/p1/parser";
import { Reading } from "../../modules/p1/reading";
import { FrameStatus } from "../../modules/p1/frame-status";
import { NO_UNIT, UNITS } from "../../modules/p1/units";

/** What the terminal view shows of the latest telegram, in the meter's own units. */
export interface MeterPicture {
  telegrams: number;
  rejected: number;
  lastStatus: number;
  meterTime: string;
  /** Values of the latest telegram by OBIS code, in canonical units: W, var, kWh, kvarh, V, A. */
  values: Map<string, number>;
}

/**
 * Listens to the meter bytes beside the bridge with a framer and parser of its own, so the view shows what
 * the meter sent whatever the bridge does with it. Wraps a source: the bridge gets the same bytes first.
 */
export class MeterTap implements MeterSource {
  readonly picture: MeterPicture = {
    telegrams: 0,
    rejected: 0,
    lastStatus: -1,
    meterTime: "",
    values: new Map(),
  };
  private readonly catalog = new ObisCatalog();
  private readonly parser = new TelegramParser(this.catalog);
  private readonly reading = new Reading(this.catalog);
  private readonly framer: Framer;

  /** `acceptNoCrc`: the `noCrc` setting, so frames without a CRC count as the bridge counts them. */
  constructor(
    private readonly inner: MeterSource,
    private readonly onTelegram: (picture: MeterPicture) => void,
    private readonly acceptNoCrc = false,
  ) {
    this.framer = new Framer({ onFrame: (frame) => this.onFrame(frame) });
  }

  get overruns(): number {
    return this.inner.overruns;
  }

  get framingErrors(): number {
    return this.inner.framingErrors;
  }

  start(sink: MeterBytesSink): void {
    this.inner.start({
      onMeterBytes: (bytes, start, end) => {
        sink.onMeterBytes(bytes, start, end);
        this.framer.push(bytes, start, end);
      },
    });
  }

  stop(): void {
    this.inner.stop();
  }

  private onFrame(frame: Framer): void {
    const picture = this.picture;
    picture.lastStatus = frame.status;
    if (frame.status !== FrameStatus.Ok && !(frame.status === FrameStatus.NoCrc && this.acceptNoCrc)) {
      picture.rejected++;
      this.onTelegram(picture);
      return;
    }
    picture.telegrams++;
    const reading = this.parser.parse(frame.buffer, frame.length, this.reading);
    picture.values.clear();
    for (let i = 0; i < reading.orderLength; i++) {
      const slot = reading.order[i];
      const entry = this.catalog.entries[slot];
      const unit = reading.unit[slot];
      const shift = unit === NO_UNIT ? 0 : UNITS[unit].shift;
      picture.values.set(entry.obis, reading.valueAsSent(slot) * 10 ** shift);
    }
    const t = reading.time;
    picture.meterTime = t.rawEnd > t.rawStart ? new TextDecoder().decode(frame.buffer.subarray(t.rawStart, t.rawEnd)) : "";
    this.onTelegram(picture);
  }
}
