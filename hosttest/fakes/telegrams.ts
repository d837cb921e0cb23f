// Real Swedish telegrams from the corpus (hosttest/fixtures/telegrams), re-stamped so that every telegram of a
// test is distinct.
import { crc16 } from "../../modules/p1/crc16";
import { swedishCorpus } from "../support/corpus";

/** The Swedish corpus (SE_*.txt), file name and bytes. */
export const swedishTelegrams = swedishCorpus;

function two(n: number): string {
  return String(n).padStart(2, "0");
}

/** Recomputes the CRC after a change; ends the telegram with CR LF as a meter on the wire does. */
function resign(text: string): Buffer {
  const bang = text.lastIndexOf("\n!") + 1;
  if (bang <= 0) throw new Error("telegram without '!' line");
  let after = bang + 1;
  while (after < text.length && /[0-9A-Fa-f]/.test(text[after])) after++;
  const body = Buffer.from(text.slice(0, bang + 1), "latin1");
  const crc = crc16(body).toString(16).toUpperCase().padStart(4, "0");
  const rest = text.slice(after);
  return Buffer.from(text.slice(0, bang + 1) + crc + (rest.startsWith("\r\n") ? rest : "\r\n" + rest), "latin1");
}

/** Sets the meter clock to `utcMs` (written as Swedish normal time, flag W) and re-signs the telegram. */
export function stamp(telegram: Buffer, utcMs: number): Buffer {
  const local = new Date(utcMs + 3600_000);
  const clock =
    `${two(local.getUTCFullYear() % 100)}${two(local.getUTCMonth() + 1)}${two(local.getUTCDate())}` +
    `${two(local.getUTCHours())}${two(local.getUTCMinutes())}${two(local.getUTCSeconds())}W`;
  const text = telegram.toString("latin1").replace(/0-0:1\.0\.0\([^)]*\)/, `0-0:1.0.0(${clock})`);
  return resign(text);
}

/** Replaces the value group of `obis` (e.g. `1-0:1.7.0`, value `0002.500*kW`) and re-signs the telegram. */
export function withValue(telegram: Buffer, obis: string, group: string): Buffer {
  const pattern = new RegExp(`${obis.replace(/[.*]/g, "\\$&")}\\([^)]*\\)`);
  const text = telegram.toString("latin1");
  if (!pattern.test(text)) throw new Error(`no ${obis} line`);
  return resign(text.replace(pattern, `${obis}(${group})`));
}

/** Breaks the CRC (the telegram must be rejected). */
export function corrupt(telegram: Buffer): Buffer {
  const text = telegram.toString("latin1");
  const at = text.indexOf("1-0:1.8.0(") + 10;
  const digit = text[at] === "9" ? "8" : "9";
  return Buffer.from(text.slice(0, at) + digit + text.slice(at + 1), "latin1");
}

export const T0 = Date.UTC(2024, 11, 12, 19, 0, 0);

/** `count` distinct telegrams 10 s apart, cycling through the Swedish meters. */
export function telegramSeries(count: number, startUtcMs = T0, periodMs = 10_000): Buffer[] {
  const corpus = swedishTelegrams();
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) out.push(stamp(corpus[i % corpus.length].bytes, startUtcMs + i * periodMs));
  return out;
}
