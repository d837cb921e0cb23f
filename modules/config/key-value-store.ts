// The storage port. It lives with the settings (modules/config), which both the bridge core (modules/app) and the
// setup code depend on, so that no folder imports from a folder that imports from it.

/** Key/value persistence: Moddable Preferences on the device, a map or JSON file on the host. */
export interface KeyValueStore {
  get(key: string): string | number | boolean | undefined;
  set(key: string, value: string | number | boolean): void;
  delete(key: string): void;
  keys(): string[];
}
