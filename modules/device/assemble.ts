import type { Clock, DataRequestLine, KeyValueStore, MeterSource, MqttLink, Scheduler, SystemPort } from "../app/ports";
import { CONFIG_DOMAIN, type Settings } from "../config/schema";
import { loadSettings, seedStore } from "../config/settings";
import { describeSettings } from "../config/mask";
import { migrateStore } from "../config/migrate";
import { KEY_TO } from "../update/probation";
import type { UpdatePlatform } from "../update/ports";
import type { PinChoices } from "../setup/form";
import { applyPinOverrides, meterPinChoices, selectBoard, type Board } from "./board";
import { DeviceClock, TimerScheduler, type TimerApi, type TimeSource } from "./clock";
import { syncClock, type SntpClass } from "./clock-sync";
import { FixedDataRequestLine, openDataRequestLine, type OpenOutputPin } from "./data-request";
import { UartMeterSource, type OpenMeterUart } from "./meter-source";
import { ModdableMqttLink, type MqttSdk } from "./mqtt-link";
import { PreferenceStore, type Preferences } from "./preference-store";
import { DeviceSystem } from "./system";
import { meterUartOptions } from "./uart-options";
import { UnavailableNetworkLink, type Station, type StationOptions } from "./wifi-link";
import { errorMessage } from "../config/error-message";

/** The Moddable modules main.ts imports, handed over so this file holds the decisions and tests can fake them. */
export interface DeviceModules<TimerHandle> {
  /** `mc/config`: board wiring and build-time values. */
  buildConfig: Readonly<Record<string, unknown>>;
  preferences: Preferences;
  timer: TimerApi<TimerHandle>;
  time: TimeSource & { set(seconds: number): void };
  SNTP: SntpClass;
  /** The ECMA-419 MQTT client with its sockets and resolver. */
  mqtt: MqttSdk;
  platform: {
    openMeterUart: OpenMeterUart;
    openOutputPin: OpenOutputPin;
    openStation(options: StationOptions, scheduler: Scheduler): Station;
    restart(): void;
    /** true when active; undefined where there is no GPIO. */
    readInputPin(pin: number, activeLow: boolean): boolean | undefined;
  };
  freeMemory(): number;
  log(line: string): void;
  /** The platform's update slots and rollback; undefined where there are none. */
  updates?: UpdatePlatform;
}

/** The ports the bridge core runs on; opened only in normal mode (setup mode leaves the radio to the classic driver). */
export interface DevicePorts {
  network: Station;
  mqtt: MqttLink;
  /** undefined when the board's wiring is unusable. */
  meter: MeterSource | undefined;
  dataRequest: DataRequestLine;
}

/** The device before either mode starts: configuration, board, timers; no radio, UART or RTS opened yet. */
export interface Device {
  settings: Settings;
  /** Firmware version from the build (`config.firmware` in manifest.json). */
  firmware: string;
  /** undefined when the board's wiring is unusable (see problems); the pin settings already applied. */
  board: Board | undefined;
  /** What the setup page offers for the meter pins on this board. */
  pins: PinChoices;
  /** Configuration and wiring problems found at start-up, secrets never included. */
  problems: string[];
  store: KeyValueStore;
  clock: Clock;
  scheduler: Scheduler;
  system: SystemPort;
  /** Reads the board's setup button once; false without a button or a GPIO. */
  buttonHeld(): boolean;
  /** Opens the Wi-Fi station, the meter UART and the RTS line for normal mode; problems are logged and added. */
  openPorts(): DevicePorts;
  /** A fresh MQTT link (the bridge's, or setup mode's broker test). */
  makeMqttLink(): MqttLink;
  /** Sets the wall clock by SNTP (needed before TLS). */
  syncClock(done: (ok: boolean, detail: string) => void): void;
  /** The platform's update slots and rollback; undefined where there are none. */
  updates?: UpdatePlatform;
}

/**
 * Reads the configuration (seeding it from build values on first boot) and checks the board with the
 * pin settings applied. Opens nothing: which mode runs decides that. Never throws for a bad value or a
 * bad wiring: it reports and carries on, so a broken setting cannot cause a boot loop.
 */
export function assembleDevice<TimerHandle>(modules: DeviceModules<TimerHandle>): Device {
  const problems: string[] = [];
  const log = modules.log;
  const store = new PreferenceStore(modules.preferences, CONFIG_DOMAIN);

  try {
    for (const note of migrateStore(store).notes) log(`config: ${note}`);
  } catch (error) {
    problems.push(`settings migration stopped: ${errorMessage(error)}; it resumes at the next start`);
  }
  // The first start of an image that arrived as an update keeps the stored settings whatever it was built with.
  let updating = false;
  try {
    updating = store.get(KEY_TO) !== undefined;
  } catch {
    updating = false;
  }
  const seeded = seedStore(store, modules.buildConfig, !updating);
  if (seeded.written.length) log(`config: stored build values for ${seeded.written.join(", ")}`);
  const loaded = loadSettings(store);
  for (const problem of seeded.problems) problems.push(problem.message);
  for (const problem of loaded.problems) problems.push(problem.message);
  const settings = loaded.settings;
  log(`config: ${describeSettings(settings)}`);

  const selection = selectBoard(modules.buildConfig.board);
  for (const problem of selection.problems) problems.push(problem);
  let board = selection.board;
  const pins = meterPinChoices(board);
  if (board) {
    const wired = applyPinOverrides(board, settings, pins);
    for (const problem of wired.problems) problems.push(problem);
    board = wired.board;
  }

  const scheduler = new TimerScheduler(modules.timer);
  const clock = new DeviceClock(modules.time);
  const system = new DeviceSystem(modules.platform.restart, modules.freeMemory, log);
  const firmware = typeof modules.buildConfig.firmware === "string" ? modules.buildConfig.firmware : "unknown";

  for (const problem of problems) log(`problem: ${problem}`);
  const report = (problem: string) => {
    problems.push(problem);
    log(`problem: ${problem}`);
  };

  return {
    settings,
    firmware,
    board,
    pins,
    problems,
    store,
    clock,
    scheduler,
    system,
    buttonHeld() {
      const button = board?.button;
      if (!button) return false;
      try {
        return modules.platform.readInputPin(button.pin, button.activeLow) === true;
      } catch (error) {
        report(`button: ${errorMessage(error)}`);
        return false;
      }
    },
    openPorts() {
      let network: Station;
      try {
        network = modules.platform.openStation(
          { ssid: settings.ssid, password: settings.password, hostname: settings.hostname },
          scheduler,
        );
      } catch (error) {
        const reason = `Wi-Fi unavailable: ${errorMessage(error)}`;
        report(reason);
        network = new UnavailableNetworkLink(scheduler, reason);
      }
      let meter: MeterSource | undefined;
      let dataRequest: DataRequestLine = new FixedDataRequestLine();
      if (board) {
        try {
          meter = new UartMeterSource(modules.platform.openMeterUart, meterUartOptions(board, settings));
        } catch (error) {
          report(`meter: ${errorMessage(error)}`);
        }
        try {
          dataRequest = openDataRequestLine(board.rts, modules.platform.openOutputPin);
        } catch (error) {
          report(`rts: ${errorMessage(error)}`);
        }
      }
      return { network, mqtt: new ModdableMqttLink(modules.mqtt), meter, dataRequest };
    },
    makeMqttLink: () => new ModdableMqttLink(modules.mqtt),
    syncClock: (done) => syncClock(modules.SNTP, (seconds) => modules.time.set(seconds), settings.sntp, done),
    updates: modules.updates,
  };
}
