import type { Clock, DataRequestLine, KeyValueStore, MeterSource, MqttLink, Scheduler, SystemPort } from "../app/ports";
import { CONFIG_DOMAIN, type Settings } from "../config/schema";
import { loadSettings, seedStore } from "../config/settings";
import { describeSettings } from "../config/mask";
import { selectBoard, type Board } from "./board";
import { DeviceClock, TimerScheduler, type TimerApi, type TimeSource } from "./clock";
import { syncClock, type SntpClass } from "./clock-sync";
import { FixedDataRequestLine, openDataRequestLine, type OpenOutputPin } from "./data-request";
import { UartMeterSource, type OpenMeterUart } from "./meter-source";
import { ModdableMqttLink, type MqttClientClass } from "./mqtt-link";
import { PreferenceStore, type Preferences } from "./preference-store";
import { DeviceSystem } from "./system";
import { meterUartOptions } from "./uart-options";
import { UnavailableNetworkLink, type Station, type StationOptions } from "./wifi-link";

/** The Moddable modules main.ts imports, handed over so this file holds the decisions and tests can fake them. */
export interface DeviceModules<TimerHandle> {
  /** `mc/config`: board wiring and build-time values. */
  buildConfig: Readonly<Record<string, unknown>>;
  preferences: Preferences;
  timer: TimerApi<TimerHandle>;
  time: TimeSource & { set(seconds: number): void };
  SNTP: SntpClass;
  MqttClient: MqttClientClass;
  /** undefined when TLS is not built in. */
  SecureSocket?: unknown;
  platform: {
    openMeterUart: OpenMeterUart;
    openOutputPin: OpenOutputPin;
    openStation(options: StationOptions, scheduler: Scheduler): Station;
    restart(): void;
  };
  freeMemory(): number;
  log(line: string): void;
}

/** Every port the bridge core needs, built for this board and configuration. */
export interface Device {
  settings: Settings;
  /** undefined when the board's wiring is unusable (see problems). */
  board: Board | undefined;
  /** Configuration and wiring problems found at start-up, secrets never included. */
  problems: string[];
  store: KeyValueStore;
  clock: Clock;
  scheduler: Scheduler;
  system: SystemPort;
  network: Station;
  mqtt: MqttLink;
  /** undefined when the board's wiring is unusable. */
  meter: MeterSource | undefined;
  dataRequest: DataRequestLine;
  /** Sets the wall clock by SNTP (needed before TLS). */
  syncClock(done: (ok: boolean, detail: string) => void): void;
}

/**
 * Reads the configuration (seeding it from build values on first boot), checks the board and
 * builds the adapters. Never throws for a bad value or a bad wiring: it reports and carries on,
 * so a broken setting cannot cause a boot loop.
 */
export function assembleDevice<TimerHandle>(modules: DeviceModules<TimerHandle>): Device {
  const problems: string[] = [];
  const log = modules.log;
  const store = new PreferenceStore(modules.preferences, CONFIG_DOMAIN);

  const seeded = seedStore(store, modules.buildConfig);
  if (seeded.written.length) log(`config: stored build values for ${seeded.written.join(", ")}`);
  const loaded = loadSettings(store);
  for (const problem of seeded.problems) problems.push(problem.message);
  for (const problem of loaded.problems) problems.push(problem.message);
  const settings = loaded.settings;
  log(`config: ${describeSettings(settings)}`);

  const selection = selectBoard(modules.buildConfig.board);
  for (const problem of selection.problems) problems.push(problem);
  const board = selection.board;

  const scheduler = new TimerScheduler(modules.timer);
  const clock = new DeviceClock(modules.time);
  const system = new DeviceSystem(modules.platform.restart, modules.freeMemory, log);

  let network: Station;
  try {
    network = modules.platform.openStation({ ssid: settings.ssid, password: settings.password, hostname: settings.hostname }, scheduler);
  } catch (error) {
    const reason = `Wi-Fi unavailable: ${message(error)}`;
    problems.push(reason);
    network = new UnavailableNetworkLink(scheduler, reason);
  }

  let meter: MeterSource | undefined;
  let dataRequest: DataRequestLine = new FixedDataRequestLine();
  if (board) {
    try {
      meter = new UartMeterSource(modules.platform.openMeterUart, meterUartOptions(board, settings));
    } catch (error) {
      problems.push(`meter: ${message(error)}`);
    }
    try {
      dataRequest = openDataRequestLine(board.rts, modules.platform.openOutputPin);
    } catch (error) {
      problems.push(`rts: ${message(error)}`);
    }
  }

  for (const problem of problems) log(`problem: ${problem}`);

  return {
    settings,
    board,
    problems,
    store,
    clock,
    scheduler,
    system,
    network,
    mqtt: new ModdableMqttLink(modules.MqttClient, modules.SecureSocket),
    meter,
    dataRequest,
    syncClock: (done) => syncClock(modules.SNTP, (seconds) => modules.time.set(seconds), settings.sntp, done),
  };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
