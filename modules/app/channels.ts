import { ALARM_CHANNELS } from "../alarm/channels";
import { DERIVED_CHANNELS } from "../energy/channels";
import { frozen } from "../p1/frozen";
import type { ChannelDefinition } from "../vscp/channels";

/** Every channel after the catalog's slots, in slot order: derived values, then alarms. */
export const CHANNELS: readonly ChannelDefinition[] = frozen([...DERIVED_CHANNELS, ...ALARM_CHANNELS]);
