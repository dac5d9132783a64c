/**
 * The web tier's load smoke test: one staging task's real Gunicorn command line and
 * environment (from the synthesized stack) behind the project's real nginx, a stand-in app
 * whose answers wait 0.5-1 s, Locust with as many users as the task has slots, for 8 s, in a
 * loopback-only network namespace (scripts/loadtest.sh). It fails when more than 1 % of the
 * answers fail or when Gunicorn never holds the configured workers × threads answers at once.
 * The full capacity measurement is `npm run loadtest -- <stage>` (a benchmark, not a test).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { capacityPlan } from "../../config/capacity";
import { gunicornCommand, peakConcurrency, readWebTask, smokeProblems } from "../../scripts/loadtest/harness";
import { validStages } from "../helpers/stages";

const ROOT = path.resolve(__dirname, "../..");

describe("load test harness", () => {
  it("measures the peak of overlapping answers, a freed slot taken again counting once", () => {
    expect(peakConcurrency([])).toBe(0);
    expect(peakConcurrency([[0, 2], [1, 3], [1.5, 1.8], [3, 4]])).toBe(3);
    expect(peakConcurrency([[0, 1], [1, 2]])).toBe(1);
  });

  it("changes only the WSGI app and the bind address of the synthesized command", () => {
    const command = ["gunicorn", "config.wsgi:application", "--bind", "127.0.0.1:8000", "--workers", "3", "--threads", "8"];
    const { argv, changes } = gunicornCommand(command, 41000);
    expect(argv).toEqual(["gunicorn", "standin_app:application", "--bind", "127.0.0.1:41000", "--workers", "3", "--threads", "8"]);
    expect(changes.map((c) => c.what)).toEqual(["WSGI application", "--bind"]);
    expect(() => gunicornCommand(["uwsgi", "x"], 1)).toThrow(/does not run gunicorn/);
  });

  it("fails a smoke run above 1 % errors or below the configured concurrency", () => {
    expect(smokeProblems({ users: 16, errorRate: 0, peakInFlight: 16 }, 16)).toEqual([]);
    expect(smokeProblems({ users: 16, errorRate: 0.02, peakInFlight: 16 }, 16)).toEqual(["error rate 2.00% is above 1%"]);
    // Sync workers: 2 in flight where gthread promised 16.
    expect(smokeProblems({ users: 16, errorRate: 0, peakInFlight: 2 }, 16)).toEqual([
      "Gunicorn held at most 2 answers at once; the configuration promises 16 per task",
    ]);
  });
});

describe("load smoke run of a staging task", () => {
  const stage = validStages().find((s) => s.name === "staging")!;
  const slots = capacityPlan(stage.web).slotsPerTask;

  it(`holds ${slots} answers at once with < 1 % errors through nginx`, () => {
    // The synthesized stack the workers' global setup wrote, in cdktf.out's layout.
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "loadtest-out-"));
    const stackDir = path.join(out, "stacks", "staging");
    fs.mkdirSync(stackDir, { recursive: true });
    fs.copyFileSync(path.join(process.env.STAGE_SYNTH_CACHE_DIR!, "staging.json"), path.join(stackDir, "cdk.tf.json"));
    expect(readWebTask(path.join(stackDir, "cdk.tf.json")).command[0]).toBe("gunicorn");
    const json = path.join(out, "result.json");
    const run = spawnSync("bash", [path.join(ROOT, "scripts/loadtest.sh"), "staging", "--smoke", "--json", json], {
      cwd: ROOT,
      env: { ...process.env, CDKTF_OUTDIR: out, LOADTEST_SKIP_SYNTH: "1" },
      encoding: "utf8",
      timeout: 60_000,
    });
    const result = fs.existsSync(json) ? JSON.parse(fs.readFileSync(json, "utf8")) : undefined;
    fs.rmSync(out, { recursive: true, force: true });
    if (run.status !== 0) throw new Error(`loadtest --smoke exited ${run.status}:\n${run.stdout}\n${run.stderr}`);
    expect(result.smoke).toEqual({ passed: true, problems: [] });
    const [r] = result.results;
    expect(r.users).toBe(slots);
    expect(r.requests).toBeGreaterThan(slots * 4);
    expect(r.peakInFlight).toBe(slots);
    expect(r.errorRate).toBeLessThanOrEqual(0.01);
  }, 60_000);
});
