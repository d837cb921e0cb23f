import { joinBytes, jsonStringBytes, utf8Bytes } from "./bytes";
import { VscpConfigError } from "./config-error";
import { VSCP_HEAD } from "./encoder";
import { guidText, nicknameOf } from "./guid";
import { VscpClass, type VscpMapping } from "./mapping";
import { writeIsoUtc } from "./utc";
import { ByteWriter } from "./writer";

export const PresenceType = {
  /** CLASS1.PROTOCOL type 2, data = the node's 16 GUID bytes. */
  NewNodeOnline: 2,
  /** CLASS1.INFORMATION type 9, data = [0, zone, subzone]. */
  NodeHeartbeat: 9,
  /** CLASS2.INFORMATION type 2, data = the node name (≤ 64 bytes). */
  Level2Heartbeat: 2,
} as const;

export const STATUS_ONLINE = "online";
export const STATUS_OFFLINE = "offline";

/**
 * Health counters the bridge hands to `stats()`. Written in this order; a value that is NaN or missing is
 * written as null (e.g. rssi on the host, lastTelegramAge before the first telegram); fractions are rounded down.
 */
export interface HealthStats {
  /** Seconds since start. */
  uptime: number;
  /** Telegrams accepted (CRC verified, or no-CRC meters when allowed). */
  telegramsOk: number;
  /** Frames whose CRC did not match. */
  crcErrors: number;
  /** Frames longer than the frame buffer. */
  overflows: number;
  /** Frames cut short by the start of the next one. */
  truncated: number;
  /** DLMS/HDLC (binary) frames seen: a meter this firmware cannot read. */
  hdlcFrames: number;
  /** Lines with an OBIS code outside the catalog. */
  unknownLines: number;
  /** Bytes received from the meter. */
  bytesReceived: number;
  /** UART receive overruns. */
  uartOverruns: number;
  /** MQTT sessions opened after the first one. */
  mqttReconnects: number;
  /** Messages waiting to be published, and messages dropped because the queue was full. */
  queueDepth: number;
  queueDrops: number;
  /** VSCP events published. */
  eventsPublished: number;
  /** Telegrams timed by the device clock (meter clock missing or a placeholder). */
  timeFromDevice: number;
  /** Telegrams with neither a valid meter clock nor a set device clock. */
  timeUnknown: number;
  /** Free heap in bytes. */
  freeMemory: number;
  /** Wi-Fi signal in dBm. */
  rssi: number;
  /** Seconds since the last accepted telegram. */
  lastTelegramAge: number;
  /** 1 while no valid telegram arrived for the configured time, and how often that began. */
  meterSilent: number;
  meterSilences: number;
  /** Frames without CRC refused because no-CRC meters are not enabled. */
  noCrcRejected: number;
  /** Whole telegrams dropped from a full queue (their events are in queueDrops). */
  queueDroppedTelegrams: number;
  /** Events held back by a publish policy (interval or deadband). */
  eventsSkipped: number;
  /** Publishes the link could not take at once (retried, not lost). */
  publishRetries: number;
  mqttConnectFailures: number;
  networkDrops: number;
  /** Restarts requested after a long network outage. */
  restartRequests: number;
  /** Port calls that threw (caught, counted, retried) and faults inside the core. */
  portErrors: number;
  internalErrors: number;
  /** Firmware update in this run: 0 none, 1 on probation, 2 updated, 3 rolled back (modules/update/probation.ts). */
  update: number;
}

/** The stats keys in the order they are written. */
export const STATS_KEYS: readonly (keyof HealthStats)[] = [
  "uptime", "telegramsOk", "crcErrors", "overflows", "truncated", "hdlcFrames", "unknownLines", "bytesReceived",
  "uartOverruns", "mqttReconnects", "queueDepth", "queueDrops", "eventsPublished", "timeFromDevice", "timeUnknown",
  "freeMemory", "rssi", "lastTelegramAge", "meterSilent", "meterSilences", "noCrcRejected", "queueDroppedTelegrams",
  "eventsSkipped", "publishRetries", "mqttConnectFailures", "networkDrops", "restartRequests", "portErrors",
  "internalErrors", "update",
];

export interface PresenceOptions {
  /** Node name for the level-II heartbeat (UTF-8, cut to 64 bytes at a character boundary). */
  nodeName?: string;
  /** First topic level of status, stats and telegram (default `p1vscp`). */
  prefix?: string;
  /** Second topic level (default: the 12 hex digits of the MAC). */
  deviceId?: string;
}

function checkSegment(value: string, field: string): string {
  if (typeof value !== "string" || value.length === 0) throw new VscpConfigError(field, "must not be empty");
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x2f || c === 0x2b || c === 0x23 || c < 0x20 || c === 0x7f) {
      throw new VscpConfigError(field, `"${value}" must be one topic level (no "/", "+", "#" or control characters)`);
    }
  }
  return value;
}

/** Cuts UTF-8 bytes to at most `max` without splitting a character. */
function cutUtf8(bytes: Uint8Array, max: number): Uint8Array {
  if (bytes.length <= max) return bytes;
  let end = max;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.slice(0, end);
}

/**
 * The node's own messages: new node online, the two heartbeats, the status words and the stats JSON.
 * Each call writes one payload into `buffer` and returns its length.
 */
export class PresenceEncoder {
  readonly buffer: Uint8Array;
  readonly statusTopic: string;
  readonly statsTopic: string;
  readonly telegramTopic: string;
  readonly newNodeOnlineTopic: string;
  readonly heartbeatTopic: string;
  readonly level2HeartbeatTopic: string;
  readonly deviceId: string;
  /** The level-II heartbeat's data: the node name as UTF-8. */
  readonly nodeNameBytes: Uint8Array;
  private readonly writer: ByteWriter;
  private readonly civil = new Int32Array(3);
  private readonly head: Uint8Array;
  private readonly timestampKey: Uint8Array;
  private readonly newNodeOnlineRest: Uint8Array;
  private readonly heartbeatRest: Uint8Array;
  private readonly level2HeartbeatRest: Uint8Array;
  private readonly statsKeys: Uint8Array[];

  constructor(mapping: VscpMapping, options: PresenceOptions = {}) {
    const prefix = checkSegment(options.prefix ?? "p1vscp", "prefix");
    let deviceId = options.deviceId;
    if (deviceId === undefined) {
      if (!mapping.mac) throw new VscpConfigError("mac", "a station MAC (or a device id) is needed for the status topics");
      deviceId = guidText(mapping.mac).split(":").join("");
    }
    this.deviceId = checkSegment(deviceId, "deviceId");
    this.statusTopic = `${prefix}/${deviceId}/status`;
    this.statsTopic = `${prefix}/${deviceId}/stats`;
    this.telegramTopic = `${prefix}/${deviceId}/telegram`;

    const guid = mapping.nodeGuid;
    const nickname = nicknameOf(guid);
    const topicOf = (vscpClass: number, type: number): string => mapping.topicTemplate.render({
      guid: mapping.nodeGuidText, class: vscpClass, type, nickname, sensorindex: 0, zone: mapping.zone, subzone: mapping.subzone,
    });
    this.newNodeOnlineTopic = topicOf(VscpClass.Protocol, PresenceType.NewNodeOnline);
    this.heartbeatTopic = topicOf(VscpClass.Information, PresenceType.NodeHeartbeat);
    this.level2HeartbeatTopic = topicOf(VscpClass.Level2Information, PresenceType.Level2Heartbeat);
    this.nodeNameBytes = cutUtf8(utf8Bytes(options.nodeName ?? "P1 meter"), 64);

    const rest = (vscpClass: number, type: number, data: ArrayLike<number>, note: string): Uint8Array => joinBytes([
      `,"vscpClass":${vscpClass},"vscpType":${type},"vscpGuid":"${mapping.nodeGuidText}","vscpData":[${Array.from(data).join(",")}],"vscpNote":`,
      jsonStringBytes(note), "}",
    ]);
    this.head = joinBytes([`{"vscpHead":${VSCP_HEAD},"vscpObId":0,"vscpDateTime":"`]);
    this.timestampKey = joinBytes(["\",\"vscpTimeStamp\":"]);
    this.newNodeOnlineRest = rest(VscpClass.Protocol, PresenceType.NewNodeOnline, guid, "New node online");
    this.heartbeatRest = rest(VscpClass.Information, PresenceType.NodeHeartbeat, [0, mapping.zone, mapping.subzone], "Node heartbeat");
    this.level2HeartbeatRest = rest(VscpClass.Level2Information, PresenceType.Level2Heartbeat, this.nodeNameBytes, "Node heartbeat");
    this.statsKeys = STATS_KEYS.map((key, i) => joinBytes([i === 0 ? "{" : ",", `"${key}":`]));

    const longest = Math.max(this.newNodeOnlineRest.length, this.heartbeatRest.length, this.level2HeartbeatRest.length);
    const statsSize = this.statsKeys.reduce((sum, k) => sum + k.length + 17, 1);
    this.writer = new ByteWriter(Math.max(this.head.length + 20 + this.timestampKey.length + 6 + longest, statsSize));
    this.buffer = this.writer.buffer;
  }

  /** CLASS1.PROTOCOL / 2, sent on every (re)connect. `wallMs` = device clock (NaN when not set). */
  newNodeOnline(wallMs: number): number {
    return this.event(wallMs, this.newNodeOnlineRest);
  }

  /** CLASS1.INFORMATION / 9 heartbeat, [0, zone, subzone]. */
  heartbeat(wallMs: number): number {
    return this.event(wallMs, this.heartbeatRest);
  }

  /** CLASS2.INFORMATION / 2 heartbeat, data = node name. */
  level2Heartbeat(wallMs: number): number {
    return this.event(wallMs, this.level2HeartbeatRest);
  }

  /** The stats JSON (schema: HealthStats, keys in STATS_KEYS order). */
  stats(stats: Readonly<HealthStats>): number {
    const w = this.writer;
    w.pos = 0;
    for (let i = 0; i < STATS_KEYS.length; i++) {
      w.bytes(this.statsKeys[i]);
      const value = stats[STATS_KEYS[i]];
      if (typeof value !== "number" || !Number.isFinite(value) || Math.abs(value) > 9007199254740991) {
        w.byte(0x6e); w.byte(0x75); w.byte(0x6c); w.byte(0x6c); // null
      } else {
        w.int(Math.floor(value));
      }
    }
    w.byte(0x7d);
    return w.pos;
  }

  private event(wallMs: number, rest: Uint8Array): number {
    const ms = wallMs >= 0 ? wallMs : 0;
    const seconds = Math.floor(ms / 1000);
    let micros = Math.floor((ms - seconds * 1000) * 1000);
    if (micros > 999999) micros = 999999;
    const w = this.writer;
    w.pos = 0;
    w.bytes(this.head);
    writeIsoUtc(w, seconds, this.civil);
    w.bytes(this.timestampKey);
    w.uint(micros);
    w.bytes(rest);
    return w.pos;
  }
}
