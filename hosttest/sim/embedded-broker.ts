import { createServer, type Server } from "node:net";
import { Aedes } from "aedes";

export interface EmbeddedBroker {
  host: string;
  port: number;
  close(): Promise<void>;
}

/** Listens on `port`, or the next free one above it; resolves with the port actually taken. */
function listenFrom(server: Server, host: string, port: number, attempts: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const tryPort = (candidate: number, left: number) => {
      const onError = (error: NodeJS.ErrnoException) => {
        server.off("listening", onListening);
        if (error.code === "EADDRINUSE" && left > 1) tryPort(candidate + 1, left - 1);
        else reject(new Error(`cannot listen on ${host}:${candidate}: ${error.message}`));
      };
      const onListening = () => {
        server.off("error", onError);
        const address = server.address();
        resolve(typeof address === "object" && address ? address.port : candidate);
      };
      server.once("error", onError);
      server.once("listening", onListening);
      server.listen(candidate, host);
    };
    tryPort(port, attempts);
  });
}

/** An MQTT broker inside this process (aedes), for running without mosquitto. Loopback only. */
export async function startEmbeddedBroker(port = 1883, host = "127.0.0.1"): Promise<EmbeddedBroker> {
  const aedes = await Aedes.createBroker();
  const server = createServer(aedes.handle);
  const sockets = new Set<import("node:net").Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  const taken = await listenFrom(server, host, port, port === 0 ? 1 : 20);
  return {
    host,
    port: taken,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => aedes.close(() => resolve()));
        for (const socket of sockets) socket.destroy();
      }),
  };
}
