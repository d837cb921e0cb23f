// Net active power (import − export) per phase and in total, exact from the meter's digits.
import { describe, expect, it } from "vitest";
import { EnergySource } from "../modules/energy/energy-source";
import { EnergyBench, kWh, telegram } from "./energy-telegram";

const T = Date.UTC(2026, 0, 14, 9, 0, 10) / 1000;

function netOf(values: Record<string, string>): Record<string, string> {
  const bench = new EnergyBench();
  const source = new EnergySource(bench.mapping, { topic: "p1vscp/x/tariff" });
  source.onTelegram(bench.parse(telegram(T, values)), 0, bench);
  const out: Record<string, string> = {};
  for (const e of bench.seen.filter((s) => s.key.startsWith("net"))) out[e.key] = `${e.mantissa}e${e.exponent}`;
  return out;
}

describe("net active power", () => {
  it("is import − export in W from kW with three decimals, exact (no float drift)", () => {
    const net = netOf({
      "1-0:1.7.0": "0001.234*kW",
      "1-0:2.7.0": "0000.010*kW",
      "1-0:21.7.0": "0000.300*kW",
      "1-0:22.7.0": "0000.000*kW",
      "1-0:41.7.0": "0000.000*kW",
      "1-0:42.7.0": "0000.700*kW",
      "1-0:61.7.0": "0000.100*kW",
      "1-0:62.7.0": "0000.200*kW",
    });
    expect(net).toEqual({ netL1: "300e0", netL2: "-700e0", netL3: "-100e0", net: "1224e0" });
  });

  it("keeps every digit where a double would drift (0.3 − 0.1 kW is 200 W, not 199.99999999999997)", () => {
    expect(0.3 - 0.1).not.toBe(0.2); // the drift that integer alignment avoids
    expect(netOf({ "1-0:1.7.0": "0000.300*kW", "1-0:2.7.0": "0000.100*kW" })).toEqual({ net: "200e0" });
  });

  it("aligns lines sent in W with lines sent in kW, and keeps decimals of W", () => {
    expect(netOf({ "1-0:1.7.0": "1500*W", "1-0:2.7.0": "0000.250*kW" })).toEqual({ net: "1250e0" });
    expect(netOf({ "1-0:1.7.0": "12.5*W", "1-0:2.7.0": "0000.001*kW" })).toEqual({ net: "115e-1" });
  });

  it("publishes nothing for a phase or total the meter does not send (or sends only one side of)", () => {
    const net = netOf({ "1-0:1.7.0": "0002.000*kW", "1-0:2.7.0": "0000.000*kW", "1-0:21.7.0": "0002.000*kW", "1-0:1.8.0": kWh(5) });
    expect(net).toEqual({ net: "2000e0" });
    expect(netOf({ "1-0:1.8.0": kWh(5) })).toEqual({});
  });

  it("publishes a telegram's net values in its own group, every telegram", () => {
    const bench = new EnergyBench();
    const source = new EnergySource(bench.mapping, { topic: "t" });
    for (let i = 0; i < 3; i++) {
      source.onTelegram(bench.parse(telegram(T + 10 * i, { "1-0:1.7.0": "0001.000*kW", "1-0:2.7.0": "0000.000*kW" })), 0, bench);
    }
    expect(bench.of("net").map((e) => [e.mantissa, e.at, e.own])).toEqual([
      [1000, T, false],
      [1000, T + 10, false],
      [1000, T + 20, false],
    ]);
  });
});
