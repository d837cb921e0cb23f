import { createRequire } from "node:module";
import type { ExpectedEvent } from "./expected-events";
import type { Received } from "./subscriber";

// node-vscp is CommonJS: the VSCP author's own decoder, independent of ours.
const require = createRequire(import.meta.url);
const vscp = require("node-vscp") as {
  Event: new (options: object) => { vscpClass: number; vscpType: number; vscpData: number[]; vscpGuid: string };
  getMeasurementData(event: object): { sensorindex: number; zone: number; subzone: number; unit: number; value: number };
};

export interface DecodedEvent {
  topic: string;
  json: Record<string, unknown>;
  vscpClass: number;
  vscpType: number;
  sensorIndex: number;
  unit: number;
  /** The decimal string carried in vscpData (bytes 4.. up to the NUL). */
  text: string;
  /** The value as node-vscp decodes it. */
  value: number;
  dateTime: string;
}

export const KEY_ORDER = [
  "vscpHead",
  "vscpObId",
  "vscpDateTime",
  "vscpTimeStamp",
  "vscpClass",
  "vscpType",
  "vscpGuid",
  "vscpData",
  "vscpNote",
  "measurement",
];

/** Decodes a class 1040 event with node-vscp; throws on anything node-vscp or the profile would reject. */
export function decodeMeasurement(message: Received): DecodedEvent {
  const text = message.payload.toString("utf8");
  if (text[0] !== "{") throw new Error(`payload does not start with "{": ${text.slice(0, 20)}`);
  const json = JSON.parse(text) as Record<string, unknown>;
  const event = new vscp.Event(json);
  const data = event.vscpData;
  const nul = data.indexOf(0, 4);
  if (nul !== data.length - 1) throw new Error(`vscpData must end with one NUL byte: ${JSON.stringify(data)}`);
  const m = vscp.getMeasurementData(event);
  return {
    topic: message.topic,
    json,
    vscpClass: event.vscpClass,
    vscpType: event.vscpType,
    sensorIndex: m.sensorindex,
    unit: m.unit,
    text: String.fromCharCode(...data.slice(4, nul)),
    value: m.value,
    dateTime: String(json.vscpDateTime),
  };
}

export function expectedTopic(guidPrefix: string, event: ExpectedEvent): string {
  const idx = event.sensorIndex.toString(16).toUpperCase().padStart(2, "0");
  return `vscp/${guidPrefix}:00:${idx}/1040/${event.type}/${event.sensorIndex}/${event.sensorIndex}`;
}
