import { build } from "esbuild";
import { fileURLToPath } from "node:url";

/** The XS entry (hosttest/xs/xs-entry.ts) with every module it imports, as one plain script. */
export async function bundleForXs(entry = fileURLToPath(new URL("./xs-entry.ts", import.meta.url))): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: "iife",
    platform: "neutral",
    target: "es2022",
    write: false,
    legalComments: "none",
    logLevel: "silent",
  });
  return result.outputFiles[0].text;
}
