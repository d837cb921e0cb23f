import { Runner, type PipelineName } from "./runner";

// Entry of the script evaluated inside xsnap: answers the host's commands with the shared Runner.
// A command is a JSON header line, "\n", then raw payload bytes.

interface XsnapGlobals {
  gc(): void;
  handleCommand?: (message: ArrayBuffer) => ArrayBuffer | undefined;
}

interface Command {
  op: "load" | "dump" | "prepare" | "run" | "ran" | "ping";
  name?: string;
  pipeline?: PipelineName;
  stream?: string;
  seed?: number;
  count?: number;
}

const xs = globalThis as unknown as XsnapGlobals;
const runner = new Runner();
const state = { ran: 0 };

/** Garbage slots made after the collection that starts a run: see `run` below. */
const CANARY_LINKS = 500;

interface Link {
  next: Link | null;
}

function makeCanary(): void {
  let link: Link | null = null;
  for (let i = 0; i < CANARY_LINKS; i++) link = { next: link };
}

function reply(value: unknown): ArrayBuffer {
  return new TextEncoder().encode(JSON.stringify(value)).buffer as ArrayBuffer;
}

// An exception escaping handleCommand ends the xsnap process; reply with the error instead, so the host's
// command rejects with its message (XsWorker) and the worker stays usable.
xs.handleCommand = (message: ArrayBuffer): ArrayBuffer | undefined => {
  try {
    return handle(message);
  } catch (error) {
    return reply({ error: error instanceof Error ? error.message : String(error) });
  }
};

function handle(message: ArrayBuffer): ArrayBuffer | undefined {
  const bytes = new Uint8Array(message);
  const newline = bytes.indexOf(0x0a);
  const command = JSON.parse(new TextDecoder().decode(bytes.subarray(0, newline))) as Command;
  switch (command.op) {
    case "ping":
      return reply({ ok: true });
    case "load":
      runner.load(command.name ?? "", bytes.slice(newline + 1));
      return reply({ ok: true });
    case "dump":
      return reply(runner.dump(command.pipeline!, command.stream!, command.seed ?? 0));
    case "prepare":
      runner.prepare(command.pipeline!, command.stream!, command.seed ?? 1);
      return reply({ ok: true });
    case "run": {
      const count = command.count ?? 0;
      // Collect first so the heap count reported after this command is the live set plus whatever
      // the run allocated; the reply is fetched with "ran" to keep this path clean. The canary is
      // garbage of known size: if anything the run allocates (slots or string/buffer chunks) forces
      // a collection, the canary disappears and the count no longer matches an empty run.
      xs.gc();
      makeCanary();
      state.ran = runner.run(count);
      return undefined;
    }
    case "ran":
      return reply({ ran: state.ran });
  }
  return reply({ error: `unknown op ${String(command.op)}` });
}
