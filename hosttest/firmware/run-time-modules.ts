/**
 * Project modules deliberately left out of the manifest's preload list. sdk-device imports the SDK's
 * `preference`: its Linux version reads its file when the module is first evaluated, which for a preloaded
 * module happens while the image is linked, so the simulator would start with the build machine's
 * preferences and never write its own. It runs once at boot: preloading it saves nothing that matters.
 */
export const LOADED_AT_RUN_TIME: ReadonlySet<string> = new Set(["modules/device/sdk-device"]);
