// The parts of @agoric/xsnap and tmp the harness uses (neither ships TypeScript declarations).
declare module "@agoric/xsnap" {
  export interface MeterUsage {
    compute: number;
    currentHeapCount: number;
    allocate: number;
  }
  export interface RunResult {
    reply: Uint8Array;
    meterUsage: MeterUsage;
  }
  export interface XsnapWorker {
    evaluate(code: string): Promise<RunResult>;
    issueCommand(message: Uint8Array): Promise<RunResult>;
    makeSnapshotStream(description?: string): AsyncIterable<Uint8Array>;
    close(): Promise<void>;
    terminate(): Promise<void>;
  }
  export function xsnap(options: Record<string, unknown>): Promise<XsnapWorker>;
}

declare module "tmp" {
  export function tmpName(options: unknown, callback: (error: Error | null, name: string) => void): void;
}
