import { frozen } from "../p1/frozen";
import type { ChannelDefinition } from "../vscp/channels";

/** Conditions the firmware watches, published as CLASS1.ALARM events. Default sensor indexes 128–159. */
export const ALARM_CHANNELS: readonly ChannelDefinition[] = frozen([]);
