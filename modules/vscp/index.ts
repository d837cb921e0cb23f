export { VscpConfigError } from "./config-error";
export { VscpMapping, VscpClass, MeasurementType, type VscpMappingConfig, type EntryOverride } from "./mapping";
export { EventEncoder, EncoderCounters, TimeSource, VSCP_HEAD, type EncoderOptions } from "./encoder";
export { PresenceEncoder, PresenceType, STATUS_ONLINE, STATUS_OFFLINE, STATS_KEYS, type HealthStats, type PresenceOptions } from "./presence";
export { TelegramSnapshot } from "./snapshot";
export { TopicTemplate, DEFAULT_TOPIC_TEMPLATE, TOPIC_ESCAPES } from "./topic";
export { parseMac, parseGuid, guidText, nicknameOf } from "./guid";
export { formatDecimal } from "./writer";
