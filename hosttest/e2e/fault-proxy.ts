import { createConnection, createServer, type Server, type Socket } from "node:net";

interface Pair {
  client: Socket;
  upstream: Socket;
  /** Bytes in either direction are taken and thrown away: the link looks alive to both ends and carries nothing. */
  swallowing: boolean;
}

/**
 * A TCP proxy between the bridge and the broker that fails the way Wi-Fi and NAT do: it can swallow every
 * byte of the open connections silently (no FIN, no RST: the sender's writes succeed, nothing arrives), then
 * reset them. New connections pass normally unless `refusing`.
 */
export class FaultProxy {
  readonly host = "127.0.0.1";
  port = 0;
  /** New connections are closed at once (the access point is out of reach). */
  refusing = false;
  connections = 0;
  swallowedBytes = 0;
  private readonly pairs = new Set<Pair>();
  private readonly server: Server;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {
    this.server = createServer((client) => this.accept(client));
  }

  static async start(targetHost: string, targetPort: number): Promise<FaultProxy> {
    const proxy = new FaultProxy(targetHost, targetPort);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once("error", reject);
      proxy.server.listen(0, proxy.host, () => resolve());
    });
    const address = proxy.server.address();
    proxy.port = typeof address === "object" && address ? address.port : 0;
    return proxy;
  }

  /** Open connections go silent from now on, in both directions. */
  swallow(): void {
    for (const pair of this.pairs) pair.swallowing = true;
  }

  /** Resets every open connection (RST to both ends), as a NAT or access point that lost the flow does. */
  reset(): void {
    for (const pair of this.pairs) {
      pair.client.resetAndDestroy();
      pair.upstream.resetAndDestroy();
    }
    this.pairs.clear();
  }

  get open(): number {
    return this.pairs.size;
  }

  async close(): Promise<void> {
    this.reset();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    if (this.refusing) {
      client.resetAndDestroy();
      return;
    }
    this.connections++;
    const upstream = createConnection({ host: this.targetHost, port: this.targetPort });
    const pair: Pair = { client, upstream, swallowing: false };
    this.pairs.add(pair);
    const forward = (from: Socket, to: Socket) => {
      from.on("data", (data: Buffer) => {
        if (pair.swallowing) this.swallowedBytes += data.length;
        else to.write(data);
      });
    };
    forward(client, upstream);
    forward(upstream, client);
    for (const [socket, other] of [
      [client, upstream],
      [upstream, client],
    ]) {
      const end = () => {
        // A silent link tells the other end nothing, not even that this end went away.
        if (pair.swallowing && !other.destroyed) return;
        this.pairs.delete(pair);
        other.destroy();
      };
      socket.on("error", end);
      socket.on("close", end);
    }
  }
}
