import type { HealthStats } from "../vscp/presence";

/**
 * The one counters object of the running bridge: every stage counts what it accepts and rejects here, and
 * the stats message is written from it. Cumulative since start unless noted.
 */
export class HealthCounters {
  // Meter input.
  /** Bytes received from the meter port. */
  bytes = 0;
  /** Bytes outside any telegram (noise, a partial telegram at start-up). */
  garbageBytes = 0;
  /** Telegrams whose CRC verified (or no-CRC telegrams, when accepted) and whose events were queued. */
  telegramsOk = 0;
  crcErrors = 0;
  /** Telegrams without CRC digits (DSMR 2.2/3); accepted only when configured. */
  noCrcTelegrams = 0;
  noCrcRejected = 0;
  truncated = 0;
  /** Telegrams longer than the frame buffer. */
  overflow = 0;
  /** Binary HDLC/DLMS frames seen (a meter in the wrong mode). */
  hdlcFrames = 0;
  unknownLines = 0;
  malformedLines = 0;
  unitRejected = 0;
  valueRejected = 0;
  duplicateLines = 0;
  /** Telegrams timed by the device clock (meter clock missing or a placeholder), and by no valid clock. */
  timeFromDevice = 0;
  timeUnknown = 0;
  /** Reported by the meter port, cumulative. */
  uartOverruns = 0;
  uartFramingErrors = 0;

  // Meter watchdog.
  /** True while no valid telegram arrived for the configured silence time. */
  meterSilent = false;
  /** Times the meter went silent. */
  meterSilences = 0;
  /** Seconds since the last valid telegram, −1 before the first one. */
  lastTelegramAgeS = -1;

  // Events and the outbox.
  eventsQueued = 0;
  /** Events the publish policy held back (interval, deadband). */
  eventsSkipped = 0;
  eventsPublished = 0;
  outboxDepth = 0;
  outboxBytes = 0;
  outboxCapacity = 0;
  /** Whole telegrams dropped from the outbox (oldest first) or refused because they could not fit. */
  outboxDroppedTelegrams = 0;
  outboxDroppedEvents = 0;
  /** Publishes the link refused for now (send buffer full); the message was kept and retried. */
  publishRetries = 0;

  // MQTT and network.
  mqttConnected = false;
  /** Successful MQTT connects after the first one. */
  mqttReconnects = 0;
  mqttConnectFailures = 0;
  mqttDisconnects = 0;
  networkUp = false;
  networkDrops = 0;
  networkConnectAttempts = 0;
  /** Restarts the core asked the system for (one per network outage). */
  restartRequests = 0;

  // Robustness.
  /** Exceptions thrown by port calls (publish, connect, …), caught and retried by policy. */
  portErrors = 0;
  /** Exceptions inside the core itself (a bug): caught, counted, the telegram is skipped. */
  internalErrors = 0;

  /** Firmware update in this run (the stats' `update`): set by the update wiring. */
  updateState = 0;

  // System, refreshed before each stats message.
  uptimeS = 0;
  /** Bytes, or NaN when unknown. */
  freeMemory = Number.NaN;
  /** dBm, or NaN when unknown. */
  rssi = Number.NaN;
}

/** The stats message's fields (the schema lives with the encoder that writes it). */
export type BridgeStats = HealthStats;

export function emptyStats(): BridgeStats {
  return {
    uptime: 0, telegramsOk: 0, crcErrors: 0, overflows: 0, truncated: 0, hdlcFrames: 0, unknownLines: 0, bytesReceived: 0,
    uartOverruns: 0, mqttReconnects: 0, queueDepth: 0, queueDrops: 0, eventsPublished: 0, timeFromDevice: 0, timeUnknown: 0,
    freeMemory: 0, rssi: 0, lastTelegramAge: 0, meterSilent: 0, meterSilences: 0, noCrcRejected: 0, queueDroppedTelegrams: 0,
    eventsSkipped: 0, publishRetries: 0, mqttConnectFailures: 0, networkDrops: 0, restartRequests: 0, portErrors: 0,
    internalErrors: 0, update: 0,
  };
}

/** Copies the counters into the stats object (reused; NaN and −1 "unknown" become null in the JSON). */
export function fillStats(h: HealthCounters, s: BridgeStats): BridgeStats {
  s.uptime = h.uptimeS;
  s.telegramsOk = h.telegramsOk;
  s.crcErrors = h.crcErrors;
  s.overflows = h.overflow;
  s.truncated = h.truncated;
  s.hdlcFrames = h.hdlcFrames;
  s.unknownLines = h.unknownLines;
  s.bytesReceived = h.bytes;
  s.uartOverruns = h.uartOverruns;
  s.mqttReconnects = h.mqttReconnects;
  s.queueDepth = h.outboxDepth;
  s.queueDrops = h.outboxDroppedEvents;
  s.eventsPublished = h.eventsPublished;
  s.timeFromDevice = h.timeFromDevice;
  s.timeUnknown = h.timeUnknown;
  s.freeMemory = h.freeMemory;
  s.rssi = h.rssi;
  s.lastTelegramAge = h.lastTelegramAgeS >= 0 ? h.lastTelegramAgeS : Number.NaN;
  s.meterSilent = h.meterSilent ? 1 : 0;
  s.meterSilences = h.meterSilences;
  s.noCrcRejected = h.noCrcRejected;
  s.queueDroppedTelegrams = h.outboxDroppedTelegrams;
  s.eventsSkipped = h.eventsSkipped;
  s.publishRetries = h.publishRetries;
  s.mqttConnectFailures = h.mqttConnectFailures;
  s.networkDrops = h.networkDrops;
  s.restartRequests = h.restartRequests;
  s.portErrors = h.portErrors;
  s.internalErrors = h.internalErrors;
  s.update = h.updateState;
  return s;
}
