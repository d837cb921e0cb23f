// Engine processes started by tests (xsnap workers), kept in a list so that hooks can end them: vitest abandons
// a test that times out without running its `finally`, and an abandoned worker would keep a core busy.
// No Node or vitest imports, so the hooks in vitest-setup.ts cost the other test files nothing.

export interface LiveWorker {
  /** True while a command is in flight: after its test ended, that test was abandoned. */
  busy(): boolean;
  /** Ends the process at once (no graceful close: it may be stuck in a loop). */
  terminate(): Promise<void>;
}

const live = new Map<LiveWorker, number>();
let started = 0;

export function track(worker: LiveWorker): void {
  live.set(worker, ++started);
}

export function untrack(worker: LiveWorker): void {
  live.delete(worker);
}

/** A mark to pass to `endAbandoned`: workers started after it belong to the test now running. */
export function mark(): number {
  return started;
}

/** Ends the workers started after `since` and every worker still busy; returns how many it ended. */
export async function endAbandoned(since: number): Promise<number> {
  const ending = [...live].filter(([worker, serial]) => serial > since || worker.busy()).map(([worker]) => worker);
  await Promise.all(ending.map(end));
  return ending.length;
}

/** Ends every worker still running (a test file's teardown). */
export async function endAll(): Promise<number> {
  const ending = [...live.keys()];
  await Promise.all(ending.map(end));
  return ending.length;
}

async function end(worker: LiveWorker): Promise<void> {
  live.delete(worker);
  await worker.terminate();
}
