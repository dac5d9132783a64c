/** The real entry point, as `npm run synth` and `cdktf synth` run it. */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { STAGE_NAMES } from "../helpers/stages";

const root = path.resolve(__dirname, "../..");

describe("synthesis of every stage", () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "synth-test-"));
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  it("writes the bootstrap stack and one stack per stage", () => {
    execFileSync(process.execPath, [path.join(root, "scripts/run-ts.js"), "main.ts"], {
      cwd: root,
      env: { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" },
      stdio: "pipe",
    });
    const stacks = fs.readdirSync(path.join(outdir, "stacks")).sort();
    expect(stacks).toEqual(["state-bootstrap", ...STAGE_NAMES].sort());
    for (const stack of stacks) {
      const json = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8"));
      expect(Object.keys(json.resource).length).toBeGreaterThan(0);
    }
    expect(JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")).stacks).toHaveProperty("production");
  });
});
