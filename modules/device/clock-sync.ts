import { errorMessage } from "../config/error-message";
/** What this adapter uses of the SDK's `sntp` module. */
export type SntpClass = new (options: { host: string }, callback: (message: number, value?: number) => void) => object;

/** SNTP callback messages (sntp.d.ts). */
export const SntpMessage = Object.freeze({ Time: 1, Retry: 2, Error: -1 } as const);

/**
 * Sets the wall clock from an SNTP server, once per call; `done(true)` after the clock is set.
 * TLS needs this first: certificate dates are checked against the clock.
 */
export function syncClock(
  SNTP: SntpClass,
  setSeconds: (seconds: number) => void,
  host: string,
  done: (ok: boolean, detail: string) => void,
): void {
  let finished = false;
  const finish = (ok: boolean, detail: string) => {
    if (finished) return;
    finished = true;
    done(ok, detail);
  };
  try {
    new SNTP({ host }, (message, value) => {
      if (message === SntpMessage.Time && typeof value === "number") {
        setSeconds(value);
        finish(true, `clock set from ${host}`);
      } else if (message === SntpMessage.Error) {
        finish(false, `no time from ${host}`);
      }
    });
  } catch (error) {
    finish(false, `SNTP failed: ${errorMessage(error)}`);
  }
}
