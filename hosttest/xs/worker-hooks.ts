// The XS worker of a test file: started, with its byte streams loaded, before the file's tests, and closed after them.
import { afterAll, beforeAll } from "vitest";
import { XsWorker } from "./xs-worker";

/** Registers the hooks; `ready` receives the worker once it is started and loaded. */
export function useXsWorker(streams: () => Record<string, Uint8Array>, ready: (xs: XsWorker) => void): void {
  let worker: XsWorker | undefined;
  beforeAll(async () => {
    worker = await XsWorker.start();
    for (const [name, bytes] of Object.entries(streams())) await worker.load(name, bytes);
    ready(worker);
  });
  afterAll(async () => {
    await worker?.close();
  });
}
