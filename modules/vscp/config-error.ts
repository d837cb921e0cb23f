/** A configuration value the VSCP layer cannot use. Thrown while the configuration is loaded, never per telegram. */
export class VscpConfigError extends Error {
  /** The configuration field at fault, e.g. `topic`, `guid`, `entries[3].sensorIndex`. */
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = "VscpConfigError";
    this.field = field;
  }
}
