// The TCP socket under the SDK's TLS socket (examples/io/tcp/tlssocket), wrapped so that nothing the TLS layer
// does can throw into the native socket's callbacks, where an exception aborts the whole firmware (a restart,
// and a boot loop if it happens on every connection). The TLS socket calls its TCP socket's write from inside
// MQTT client code we do not own (keep-alive pings from a timer) and throws from its read callback on a fatal
// alert or a failed handshake (wrong CA). Any such failure here ends the connection instead: the socket closes
// and onError is reported once, from a fresh turn, so the MQTT client closes and the core reconnects.

import { errorMessage } from "../config/error-message";

/** The ECMA-419 TCP socket as the TLS socket uses it. */
export interface TcpSocket {
  read(buffer: Uint8Array): unknown;
  /** Returns the bytes the socket takes after this write; the SDK's socket throws "would block" beyond them. */
  write(buffer: Uint8Array): number;
  close(): void;
}

export interface TcpSocketOptions {
  onReadable?(count: number): void;
  onWritable?(count: number): void;
  onError?(): void;
  [option: string]: unknown;
}

export type TcpSocketClass = new (options: TcpSocketOptions) => TcpSocket;

/** Runs a callback on a later turn (the SDK's Timer.set). */
export type Defer = (callback: () => void) => void;

/**
 * A TCP socket class for the TLS socket's `TCP.io`. `onFailure` hears what went wrong (for the log) before the
 * error is reported to the TLS socket.
 */
export function guardedSocketClass(TCP: TcpSocketClass, defer: Defer, onFailure: (what: string) => void): TcpSocketClass {
  return class GuardedSocket implements TcpSocket {
    // The TLS session keeps its own counts on the socket object.
    readable = 0;
    writable = 0;
    private socket: TcpSocket | undefined;
    private failed = false;
    /** Closed by its owner, the TLS socket: a failure still to be reported is not. */
    private closed = false;
    private readonly reportError: (() => void) | undefined;

    constructor(options: TcpSocketOptions) {
      this.reportError = options.onError;
      const guard =
        (callback: ((count: number) => void) | undefined, what: string) =>
        (count: number): void => {
          if (this.failed || !callback) return;
          try {
            callback(count);
          } catch (error) {
            this.fail(`${what}: ${errorMessage(error)}`);
          }
        };
      try {
        this.socket = new TCP({
          ...options,
          onReadable: guard(options.onReadable, "TLS read failed"),
          onWritable: guard(options.onWritable, "TLS write failed"),
          onError: () => {
            if (!this.failed) this.fail("");
          },
        });
      } catch (error) {
        this.fail(`cannot open socket: ${errorMessage(error)}`);
      }
    }

    read(buffer: Uint8Array): unknown {
      return this.socket?.read(buffer);
    }

    write(buffer: Uint8Array): number {
      const socket = this.socket;
      if (!socket) return 0;
      try {
        return socket.write(buffer);
      } catch (error) {
        // The TLS record is half accounted (its sequence number is spent): the session cannot go on.
        this.fail(`TLS record of ${buffer.byteLength} bytes not taken: ${errorMessage(error)}`);
        return 0;
      }
    }

    close(): void {
      const socket = this.socket;
      this.socket = undefined;
      this.failed = true;
      this.closed = true;
      try {
        socket?.close();
      } catch {
        // already closed
      }
    }

    private fail(what: string): void {
      if (this.failed) return;
      this.failed = true;
      const socket = this.socket;
      this.socket = undefined;
      try {
        socket?.close();
      } catch {
        // already closed
      }
      if (what) onFailure(what);
      const report = this.reportError;
      if (report)
        defer(() => {
          if (!this.closed) report();
        });
    }
  };
}
