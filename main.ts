// Wiring only: the device module brings the SDK's modules and the platform together and boots.
import { startFirmware } from "./modules/device/sdk-device";

startFirmware();
