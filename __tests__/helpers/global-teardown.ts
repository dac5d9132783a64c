/** Jest global teardown: removes the stage JSON the global setup wrote. */
import * as fs from "fs";
import { SYNTH_CACHE_ENV } from "./stages";

export default function globalTeardown(): void {
  const dir = process.env[SYNTH_CACHE_ENV];
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
