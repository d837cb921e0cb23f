// For `npm run memory:status`: an xsbug-log machine that prints the XS heap instruments the simulator reports.
const { join } = require("node:path");
const { LogMachine } = require(join(process.env.XSBUG_LOG, "xsbug-logmachine.js"));

class HeapMachine extends LogMachine {
  onInstrumentValues(values) {
    super.onInstrumentValues(values);
    const pick = (name) => this.instruments.find((i) => i.name === name)?.value ?? "?";
    console.log(`#heap slot=${pick("XS Slot Heap Used")} chunk=${pick("XS Chunk Heap Used")}`);
  }
}

exports.LogMachine = HeapMachine;
