import { composeBridge } from "../app/compose";
import type { Bridge } from "../app/bridge";
import type { MeterBytesSink, MeterSource } from "../app/ports";
import type { Device, DevicePorts } from "./assemble";
import { ClockGatedMqttLink } from "./clock-gated-mqtt";

/** Stands in when the board's wiring is unusable: the bridge still connects and reports, the meter stays silent. */
class AbsentMeter implements MeterSource {
  readonly overruns = 0;
  readonly framingErrors = 0;
  start(_sink: MeterBytesSink): void {}
  stop(): void {}
}

/** Builds the bridge core on the device's ports and starts it; configuration problems are logged, never fatal. */
export function startBridge(device: Device, ports: DevicePorts, log: (line: string) => void): Bridge {
  const { bridge } = composeBridge(
    device.settings,
    {
      meter: ports.meter ?? new AbsentMeter(),
      dataRequest: ports.dataRequest,
      clock: device.clock,
      scheduler: device.scheduler,
      mqtt: new ClockGatedMqttLink(ports.mqtt, device.clock, device.syncClock, log),
      network: ports.network,
      system: device.system,
    },
    {
      mac: ports.network.mac(),
      firmware: device.firmware,
      store: device.store,
      defaultOutboxBytes: device.board?.outboxBytes,
      report: (problem) => log(`problem: ${problem}`),
    },
  );
  bridge.start();
  return bridge;
}
