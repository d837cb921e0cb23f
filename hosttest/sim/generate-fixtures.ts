// Writes the telegrams the simulator replays by default: npx tsx hosttest/sim/generate-fixtures.ts
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dayOfTelegrams } from "./day-profile";
import { swedishTelegram } from "./swedish-telegram";

const folder = fileURLToPath(new URL("../fixtures/sim/", import.meta.url));

// A whole day, one telegram every 5 minutes of meter time (288 telegrams; replayed every 10 s it takes 48 min).
const day = dayOfTelegrams(new Date("2025-01-14T23:00:00Z"), 300, 288);
writeFileSync(`${folder}day.txt`, day.map((v) => swedishTelegram(v)).join(""));

// Ten consecutive telegrams 10 s apart, as a real meter sends them (the end-to-end tests' stream).
const minute = dayOfTelegrams(new Date("2025-01-15T11:59:00Z"), 10, 10, 7);
writeFileSync(`${folder}ten-telegrams.txt`, minute.map((v) => swedishTelegram(v)).join(""));
console.log(`wrote ${folder}day.txt (${day.length} telegrams) and ten-telegrams.txt (${minute.length})`);
