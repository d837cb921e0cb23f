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
 * The node's own messages: new node online and the two heartbeats; the topics of status, stats and snapshot.
 * Each call writes one payload into `buffer` and returns its length.
 */
export class PresenceEncoder {
  readonly buffer: Uint8Array;
  readonly statusTopic: string;
  readonly statsTopic: string;
  readonly telegramTopic: string;
  /** Retained capacity-tariff figures (modules/energy). */
  readonly tariffTopic: string;
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
    this.tariffTopic = `${prefix}/${deviceId}/tariff`;

    const guid = mapping.nodeGuid;
    const nickname = nicknameOf(guid);
    const topicOf = (vscpClass: number, type: number): string =>
      mapping.topicTemplate.render({
        guid: mapping.nodeGuidText,
        class: vscpClass,
        type,
        nickname,
        sensorindex: 0,
        zone: mapping.zone,
        subzone: mapping.subzone,
      });
    this.newNodeOnlineTopic = topicOf(VscpClass.Protocol, PresenceType.NewNodeOnline);
    this.heartbeatTopic = topicOf(VscpClass.Information, PresenceType.NodeHeartbeat);
    this.level2HeartbeatTopic = topicOf(VscpClass.Level2Information, PresenceType.Level2Heartbeat);
    this.nodeNameBytes = cutUtf8(utf8Bytes(options.nodeName ?? "P1 meter"), 64);

    const rest = (vscpClass: number, type: number, data: ArrayLike<number>, note: string): Uint8Array =>
      joinBytes([
        `,"vscpClass":${vscpClass},"vscpType":${type},"vscpGuid":"${mapping.nodeGuidText}","vscpData":[${Array.from(data).join(",")}],"vscpNote":`,
        jsonStringBytes(note),
        "}",
      ]);
    this.head = joinBytes([`{"vscpHead":${VSCP_HEAD},"vscpObId":0,"vscpDateTime":"`]);
    this.timestampKey = joinBytes(['","vscpTimeStamp":']);
    this.newNodeOnlineRest = rest(VscpClass.Protocol, PresenceType.NewNodeOnline, guid, "New node online");
    this.heartbeatRest = rest(VscpClass.Information, PresenceType.NodeHeartbeat, [0, mapping.zone, mapping.subzone], "Node heartbeat");
    this.level2HeartbeatRest = rest(VscpClass.Level2Information, PresenceType.Level2Heartbeat, this.nodeNameBytes, "Node heartbeat");

    const longest = Math.max(this.newNodeOnlineRest.length, this.heartbeatRest.length, this.level2HeartbeatRest.length);
    this.writer = new ByteWriter(this.head.length + 20 + this.timestampKey.length + 6 + longest);
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
