/**
 * `npm run loadtest -- <stage>`: measures what one web task of the stage carries, with the
 * stage's own synthesized configuration, on loopback (scripts/loadtest.sh runs this inside a
 * network namespace that has nothing but loopback):
 *
 * - Gunicorn started with exactly the django container's command line and environment from
 *   cdktf.out/stacks/<stage>/cdk.tf.json, except the substitutions printed (the WSGI app is
 *   the stand-in loadtest/standin_app.py, the bind port is a free one, secrets and
 *   deploy-time values get test values), in a cgroup limited to the task's CPU and memory;
 * - the project's nginx sidecar config rendered for the stage (the same rendering as the
 *   nginx tests), in front of it;
 * - the stand-in answers after a uniform LLM wait (default web.load.llmWaitSeconds, 2-5 s);
 * - Locust (headless) drives N closed-loop users.
 *
 * Without --users it searches for the task's capacity C: the most concurrent users it holds
 * at p95 <= 6 s with < 1 % errors; then reports the tasks the stage's target load needs and
 * whether web.maxTasks covers it (exit 1 when not). --smoke is the short run `npm test` makes.
 *
 * Usage (through scripts/loadtest.sh): node scripts/run-ts.js scripts/loadtest.ts <stage>
 *          [--users N] [--duration S] [--llm-wait MIN,MAX] [--smoke] [--json FILE]
 */
import { spawn, spawnSync, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { capacityPlan } from "../../config/capacity";
import { loadStages, type Stage } from "../../config/load";
import { stages } from "../../config/stages";
import { REPO_ROOT as ROOT } from "../repo-root";
import { findNginx, freePort, INSTALL_HINT, renderSidecar, startNginx, testConfig, type SidecarEnv } from "../../__tests__/helpers/nginx";

/** The owners' targets: p95 of answers and error rate. */
export const P95_TARGET_SECONDS = 6;
export const ERROR_RATE_TARGET = 0.01;
/** The stand-in's answer endpoint (loadtest/standin_app.py and loadtest/locustfile.py use it too). */
const ANSWER_PATH = "/api/answer/";

/** One Locust run at a fixed number of users. */
export interface RunResult {
  readonly users: number;
  readonly seconds: number;
  readonly requests: number;
  readonly failures: number;
  readonly errorRate: number;
  readonly answersPerSecond: number;
  /**
   * Answer latency at the task's edge: nginx's request_time, what the load balancer's
   * TargetResponseTime (and so the p95 alarm) measures. The verdict uses these.
   */
  readonly p50Seconds: number;
  readonly p95Seconds: number;
  readonly p99Seconds: number;
  /** The same percentiles as Locust saw them: they add the load generator's own scheduling on a busy machine. */
  readonly clientP50Seconds: number;
  readonly clientP95Seconds: number;
  readonly clientP99Seconds: number;
  /** Most answers the stand-in held at once, measured from its own start/end times. */
  readonly peakInFlight: number;
  readonly passed: boolean;
}

interface WebTask {
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly command: string[];
  readonly environment: Record<string, string>;
  readonly secretNames: string[];
  readonly nginxEnvironment: Record<string, string>;
}

/** The web task definition (the one with a django and an nginx container) of a synthesized stack. */
export function readWebTask(stackFile: string): WebTask {
  if (!fs.existsSync(stackFile)) throw new Error(`loadtest: no synthesized stack at ${stackFile} (run npm run synth)`);
  const defs = Object.values(JSON.parse(fs.readFileSync(stackFile, "utf8")).resource?.aws_ecs_task_definition ?? {}) as any[];
  for (const def of defs) {
    const containers: any[] = JSON.parse(def.container_definitions);
    const django = containers.find((c) => c.name === "django");
    const nginx = containers.find((c) => c.name === "nginx");
    if (!django || !nginx) continue;
    const env = (list: any[] | undefined) => Object.fromEntries((list ?? []).map((e) => [e.name, String(e.value)]));
    return {
      cpu: Number(def.cpu),
      memoryMiB: Number(def.memory),
      command: django.command,
      environment: env(django.environment),
      secretNames: (django.secrets ?? []).map((s: any) => s.name),
      nginxEnvironment: env(nginx.environment),
    };
  }
  throw new Error(`loadtest: ${stackFile} has no task definition with django and nginx containers`);
}

/** Why a smoke run fails: errors above 1 %, or fewer answers in flight than the configured slots (or users). */
export function smokeProblems(r: Pick<RunResult, "users" | "errorRate" | "peakInFlight">, slotsPerTask: number): string[] {
  const problems: string[] = [];
  if (r.errorRate > ERROR_RATE_TARGET) problems.push(`error rate ${(r.errorRate * 100).toFixed(2)}% is above ${ERROR_RATE_TARGET * 100}%`);
  if (r.peakInFlight < Math.min(slotsPerTask, r.users)) {
    problems.push(`Gunicorn held at most ${r.peakInFlight} answers at once; the configuration promises ${slotsPerTask} per task`);
  }
  return problems;
}

/** A substitution made to the synthesized command line or environment, printed in the report. */
interface Change {
  readonly what: string;
  readonly from: string;
  readonly to: string;
}

/** The django container's command with only the app and the bind address replaced. */
export function gunicornCommand(command: readonly string[], port: number): { argv: string[]; changes: Change[] } {
  if (command[0] !== "gunicorn") throw new Error(`loadtest: the django container does not run gunicorn: ${JSON.stringify(command.slice(0, 2))}`);
  const argv = [...command];
  const changes: Change[] = [{ what: "WSGI application", from: argv[1], to: "standin_app:application" }];
  argv[1] = "standin_app:application";
  const bind = argv.indexOf("--bind");
  if (bind < 0) throw new Error("loadtest: the gunicorn command has no --bind");
  changes.push({ what: "--bind", from: argv[bind + 1], to: `127.0.0.1:${port}` });
  argv[bind + 1] = `127.0.0.1:${port}`;
  return { argv, changes };
}

/** The q-quantile (0-1) of values, nearest rank; NaN for none. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** request_time of each answer in nginx's JSON access log (one object per line). */
export function answerTimes(accessLog: string, answerPath: string): number[] {
  return accessLog
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l))
    .filter((e) => e.uri === answerPath)
    .map((e) => Number(e.request_time));
}

/** Peak overlap of [start, end] intervals. */
export function peakConcurrency(intervals: readonly (readonly [number, number])[]): number {
  const events = intervals.flatMap(([s, e]) => [
    [s, 1],
    [e, -1],
  ]) as [number, number][];
  // Ends before starts at the same instant: a slot freed and taken again is not two at once.
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let peak = 0;
  for (const [, d] of events) peak = Math.max(peak, (now += d));
  return peak;
}

function readTraces(dir: string): [number, number][] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.startsWith("trace-"))
    .flatMap((f) =>
      fs
        .readFileSync(path.join(dir, f), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split(" ").map(Number) as [number, number]),
    );
}

/** Limits a process tree to the task's CPU and memory with cgroup v1, where this machine lets us. */
class TaskCgroup {
  readonly dirs: string[] = [];
  readonly description: string;
  constructor(cpu: number, memoryMiB: number) {
    const name = `loadtest-${process.pid}`;
    try {
      const cpuDir = `/sys/fs/cgroup/cpu/${name}`;
      const memDir = `/sys/fs/cgroup/memory/${name}`;
      fs.mkdirSync(cpuDir);
      this.dirs.push(cpuDir);
      fs.writeFileSync(`${cpuDir}/cpu.cfs_period_us`, "100000");
      fs.writeFileSync(`${cpuDir}/cpu.cfs_quota_us`, String(Math.round((cpu / 1024) * 100000)));
      fs.mkdirSync(memDir);
      this.dirs.push(memDir);
      fs.writeFileSync(`${memDir}/memory.limit_in_bytes`, String(memoryMiB * 1024 * 1024));
      this.description = `Gunicorn in a cgroup of ${cpu / 1024} vCPU (CFS quota) and ${memoryMiB} MiB`;
    } catch (error) {
      this.remove();
      this.description = `Gunicorn NOT limited to the task's ${cpu / 1024} vCPU / ${memoryMiB} MiB (cgroup v1 not writable: ${(error as Error).message})`;
    }
  }
  /** A shell prefix that moves itself into the cgroup, then execs the command. */
  wrap(argv: string[]): string[] {
    if (this.dirs.length < 2) return argv;
    const moves = this.dirs.map((d) => `echo $$ > ${d}/cgroup.procs`).join(" && ");
    return ["sh", "-c", `${moves} && exec "$@"`, "sh", ...argv];
  }
  remove(): void {
    for (const d of this.dirs.splice(0)) {
      try {
        fs.rmdirSync(d);
      } catch {
        // still has processes for a moment after they exit; the kernel drops an empty group
      }
    }
  }
}

function get(port: number, urlPath: string, host: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ host: "127.0.0.1", port, path: urlPath, headers: { Host: host }, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", () => resolve(0));
    req.on("timeout", () => req.destroy());
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, seconds: number, died: () => string | undefined): Promise<void> {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    const dead = died();
    if (dead) throw new Error(`loadtest: ${what} exited before it was ready:\n${dead}`);
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`loadtest: ${what} not ready after ${seconds} s`);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

interface Options {
  readonly stageName: string;
  readonly users?: number;
  readonly durationSeconds: number;
  readonly llmWait: { min: number; max: number };
  readonly smoke: boolean;
  readonly jsonFile?: string;
}

function parseArgs(args: readonly string[], stagesByName: Map<string, Stage>): Options {
  const usage = "usage: npm run loadtest -- <stage> [--users N] [--duration S] [--llm-wait MIN,MAX] [--smoke] [--json FILE]";
  const [stageName, ...rest] = args;
  if (!stageName || stageName.startsWith("--")) throw new Error(usage);
  const stage = stagesByName.get(stageName);
  if (!stage) throw new Error(`loadtest: unknown stage ${JSON.stringify(stageName)} (configured: ${[...stagesByName.keys()].join(", ")})`);
  const smoke = rest.includes("--smoke");
  let users: number | undefined;
  let duration = smoke ? 8 : 30;
  let llmWait = smoke ? { min: 0.5, max: 1 } : { ...stage.web.load.llmWaitSeconds };
  let jsonFile: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    if (flag === "--smoke") continue;
    const value = rest[++i];
    const positive = (v: string | undefined) => {
      const n = Number(v);
      if (!v || !Number.isFinite(n) || n <= 0) throw new Error(`loadtest: ${flag} must be a positive number, got ${JSON.stringify(v)}`);
      return n;
    };
    if (flag === "--users") users = Math.floor(positive(value));
    else if (flag === "--duration") duration = positive(value);
    else if (flag === "--json") jsonFile = value;
    else if (flag === "--llm-wait") {
      const [min, max] = (value ?? "").split(",").map((v) => positive(v));
      if (max === undefined || min > max) throw new Error(`loadtest: --llm-wait must be MIN,MAX with MIN <= MAX, got ${JSON.stringify(value)}`);
      llmWait = { min, max };
    } else throw new Error(`loadtest: unknown option ${JSON.stringify(flag)}\n${usage}`);
  }
  return { stageName, users, durationSeconds: duration, llmWait, smoke, jsonFile };
}

/** Runs the load test with command-line arguments; resolves to the exit code. */
export async function main(args: readonly string[]): Promise<number> {
  const loaded = loadStages(stages);
  const options = parseArgs(args, new Map(loaded.map((s) => [s.name, s])));
  const stage = loaded.find((s) => s.name === options.stageName)!;
  const plan = capacityPlan(stage.web);
  const outDir = process.env.CDKTF_OUTDIR ?? path.join(ROOT, "cdktf.out");
  const task = readWebTask(path.join(outDir, "stacks", stage.name, "cdk.tf.json"));

  const venv = path.join(ROOT, ".tools/py/loadtest");
  for (const tool of ["gunicorn", "locust"]) {
    if (!fs.existsSync(path.join(venv, "bin", tool))) throw new Error(`loadtest: ${tool} is missing: run bash scripts/python-env.sh loadtest`);
  }
  const nginxBinary = findNginx();
  if (!nginxBinary) throw new Error(INSTALL_HINT);

  const work = fs.mkdtempSync(path.join(os.tmpdir(), "loadtest-"));
  fs.chmodSync(work, 0o755);
  const gunicornPort = await freePort();
  const nginxPort = await freePort();
  const { argv, changes } = gunicornCommand(task.command, gunicornPort);
  const host = task.nginxEnvironment.APP_DOMAIN;
  const healthPath = task.nginxEnvironment.HEALTH_CHECK_PATH;

  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(task.environment)) {
    // Values Terraform fills in at deploy time (the database address) have no meaning here.
    if (value.includes("${")) {
      environment[name] = "127.0.0.1";
      changes.push({ what: `env ${name}`, from: value, to: "127.0.0.1" });
    } else environment[name] = value;
  }
  for (const name of task.secretNames) {
    environment[name] = `loadtest-${name.toLowerCase()}`;
    changes.push({ what: `secret ${name}`, from: "(from Secrets Manager)", to: "a test value" });
  }
  const extra = {
    PATH: `${path.join(venv, "bin")}:${process.env.PATH ?? ""}`,
    PYTHONPATH: path.join(ROOT, "loadtest"),
    PYTHONDONTWRITEBYTECODE: "1",
    LOADTEST_LLM_WAIT_MIN: String(options.llmWait.min),
    LOADTEST_LLM_WAIT_MAX: String(options.llmWait.max),
    LOADTEST_HEALTH_PATH: healthPath,
  };

  const cgroup = new TaskCgroup(task.cpu, task.memoryMiB);
  const sidecarEnv = { ...task.nginxEnvironment, VPC_CIDR: "127.0.0.0/8" } as unknown as SidecarEnv;
  changes.push({ what: "nginx VPC_CIDR (trusted X-Forwarded-For)", from: task.nginxEnvironment.VPC_CIDR, to: "127.0.0.0/8" });
  const sidecar = renderSidecar(sidecarEnv, nginxPort, gunicornPort);
  const tested = testConfig(nginxBinary, sidecar);
  if (!tested.ok) throw new Error(`loadtest: nginx -t refused the rendered config:\n${tested.output}`);

  const log = (line: string) => process.stderr.write(`loadtest: ${line}\n`);
  log(`stage ${stage.name}: ${argv.join(" ")}`);
  for (const c of changes) log(`  changed ${c.what}: ${c.from} -> ${c.to}`);
  log(`  ${cgroup.description}; nginx and Locust run outside it`);

  const results: RunResult[] = [];
  const runAt = async (users: number): Promise<RunResult> => {
    const traceDir = fs.mkdtempSync(path.join(work, `trace-${users}-`));
    fs.chmodSync(traceDir, 0o777);
    let gunicornOut = "";
    const gunicorn = spawn(cgroup.wrap(argv)[0], cgroup.wrap(argv).slice(1), {
      env: { ...environment, ...extra, LOADTEST_TRACE_DIR: traceDir },
      cwd: work,
      stdio: ["ignore", "pipe", "pipe"],
    });
    gunicorn.stdout!.on("data", (d) => (gunicornOut = (gunicornOut + d).slice(-20000)));
    gunicorn.stderr!.on("data", (d) => (gunicornOut = (gunicornOut + d).slice(-20000)));
    const nginx = startNginx(nginxBinary, sidecar);
    try {
      const exited = (c: ChildProcess, out: () => string) => () => (c.exitCode !== null || c.signalCode !== null ? out() : undefined);
      await waitFor("gunicorn", async () => (await get(gunicornPort, healthPath, host)) === 200, 30, exited(gunicorn, () => gunicornOut));
      await waitFor("nginx", async () => (await get(nginxPort, healthPath, host)) === 200, 10, exited(nginx.process, nginx.stderr));
      const csv = path.join(work, `run-${users}`);
      const locust = spawnSync(
        path.join(venv, "bin", "locust"),
        ["-f", path.join(ROOT, "loadtest/locustfile.py"), "--headless", "--users", String(users), "--spawn-rate", String(users),
          "--run-time", `${options.durationSeconds}s`, "--stop-timeout", String(Math.ceil(options.llmWait.max) + 5),
          "--host", `http://127.0.0.1:${nginxPort}`, "--csv", csv, "--only-summary", "--loglevel", "WARNING"],
        { env: { ...process.env, LOADTEST_HOST_HEADER: host, PYTHONDONTWRITEBYTECODE: "1" }, encoding: "utf8", timeout: (options.durationSeconds + options.llmWait.max + 60) * 1000 },
      );
      if (locust.status !== 0 && !fs.existsSync(`${csv}_stats.csv`)) {
        throw new Error(`loadtest: locust failed (exit ${locust.status}):\n${(locust.stderr ?? "").slice(-4000)}`);
      }
      const rows = fs.readFileSync(`${csv}_stats.csv`, "utf8").trim().split("\n").map((l) => l.split(","));
      const header = rows[0].map((h) => h.replace(/"/g, ""));
      const total = rows.find((r) => r[1].replace(/"/g, "") === "Aggregated");
      if (!total) throw new Error(`loadtest: no Aggregated row in ${csv}_stats.csv`);
      const col = (name: string) => Number(total[header.indexOf(name)]);
      const requests = col("Request Count");
      if (!(requests > 0)) throw new Error(`loadtest: Locust made no request at ${users} users (checked nothing)`);
      const failures = col("Failure Count");
      const errorRate = failures / requests;
      const edge = answerTimes(nginx.stdout(), ANSWER_PATH);
      if (edge.length === 0) throw new Error(`loadtest: nginx logged no answer at ${users} users (checked nothing)`);
      const p95 = quantile(edge, 0.95);
      const result: RunResult = {
        users,
        seconds: options.durationSeconds,
        requests,
        failures,
        errorRate,
        answersPerSecond: col("Requests/s"),
        p50Seconds: quantile(edge, 0.5),
        p95Seconds: p95,
        p99Seconds: quantile(edge, 0.99),
        clientP50Seconds: col("50%") / 1000,
        clientP95Seconds: col("95%") / 1000,
        clientP99Seconds: col("99%") / 1000,
        peakInFlight: peakConcurrency(readTraces(traceDir)),
        passed: p95 <= P95_TARGET_SECONDS && errorRate < ERROR_RATE_TARGET,
      };
      if (failures > 0) log(`  failures at ${users} users:\n${fs.existsSync(`${csv}_failures.csv`) ? fs.readFileSync(`${csv}_failures.csv`, "utf8").slice(0, 2000) : "(no detail)"}`);
      log(
        `  ${users} users: ${requests} answers, ${(errorRate * 100).toFixed(2)}% errors, ${result.answersPerSecond.toFixed(2)}/s, ` +
          `p50 ${result.p50Seconds.toFixed(2)} s, p95 ${p95.toFixed(2)} s, p99 ${result.p99Seconds.toFixed(2)} s at nginx ` +
          `(Locust: p95 ${result.clientP95Seconds.toFixed(2)} s), peak in flight ${result.peakInFlight}` +
          ` -> ${result.passed ? "ok" : "over target"}`,
      );
      results.push(result);
      return result;
    } finally {
      await nginx.stop();
      await stop(gunicorn);
    }
  };

  let exitCode = 0;
  const summary: Record<string, unknown> = {
    stage: stage.name,
    task: { cpu: task.cpu, memoryMiB: task.memoryMiB, limits: cgroup.description },
    slotsPerTask: plan.slotsPerTask,
    llmWaitSeconds: options.llmWait,
    changes,
    results,
  };
  try {
    if (options.smoke) {
      const r = await runAt(options.users ?? plan.slotsPerTask);
      const problems = smokeProblems(r, plan.slotsPerTask);
      summary.smoke = { passed: problems.length === 0, problems };
      process.stdout.write(problems.length === 0 ? `smoke: ok (${r.peakInFlight} in flight, ${(r.errorRate * 100).toFixed(2)}% errors)\n` : `smoke: FAILED: ${problems.join("; ")}\n`);
      exitCode = problems.length === 0 ? 0 : 1;
    } else if (options.users !== undefined) {
      const r = await runAt(options.users);
      exitCode = r.passed ? 0 : 1;
    } else {
      // Capacity search: from the configured slots upwards while the targets hold, downwards if they don't.
      const step = Math.max(1, Math.round(plan.slotsPerTask / 6));
      let capacity = 0;
      let users = plan.slotsPerTask;
      const first = await runAt(users);
      if (first.passed) {
        capacity = users;
        for (users += step; users <= plan.slotsPerTask * 2; users += step) {
          if (!(await runAt(users)).passed) break;
          capacity = users;
        }
      } else {
        for (users -= step; users >= 1; users -= step) {
          if ((await runAt(users)).passed) {
            capacity = users;
            break;
          }
        }
      }
      const needed = plan.requiredSlots;
      const tasks = capacity > 0 ? Math.ceil(needed / capacity) : Infinity;
      const covered = tasks <= stage.web.maxTasks;
      summary.capacity = { usersPerTask: capacity, requiredUsers: needed, tasksNeeded: tasks, maxTasks: stage.web.maxTasks, covered };
      const atCapacity = results.find((r) => r.users === capacity);
      process.stdout.write(
        [
          `Load test of ${stage.name}: one task, ${task.cpu / 1024} vCPU / ${task.memoryMiB} MiB, ${plan.workers} workers × ${plan.threads} threads = ${plan.slotsPerTask} slots; LLM stand-in ${options.llmWait.min}-${options.llmWait.max} s`,
          `  ${cgroup.description}`,
          "  latency at nginx (what the load balancer's TargetResponseTime measures); Locust's own p95 beside it",
          "  users  answers  errors  answers/s  p50 s  p95 s  p99 s  Locust p95 s  peak in flight",
          ...results.map(
            (r) =>
              `  ${String(r.users).padStart(5)}  ${String(r.requests).padStart(7)}  ${(r.errorRate * 100).toFixed(2).padStart(5)}%  ${r.answersPerSecond.toFixed(2).padStart(9)}  ` +
              `${r.p50Seconds.toFixed(2).padStart(5)}  ${r.p95Seconds.toFixed(2).padStart(5)}  ${r.p99Seconds.toFixed(2).padStart(5)}  ${r.clientP95Seconds.toFixed(2).padStart(12)}  ${String(r.peakInFlight).padStart(14)}${r.passed ? "" : "  (over target)"}`,
          ),
          `  capacity C = ${capacity} concurrent users per task (p95 <= ${P95_TARGET_SECONDS} s, errors < ${ERROR_RATE_TARGET * 100}%)` +
            (atCapacity ? `, ${atCapacity.answersPerSecond.toFixed(2)} answers/s per task` : ""),
          `  target: ${stage.web.load.concurrentUsers} users + ${stage.web.load.headroomPercent}% = ${needed} -> ceil(${needed} / ${capacity}) = ${tasks} tasks; ` +
            `web.maxTasks ${stage.web.maxTasks}: ${covered ? "covered" : "NOT covered"} (C × maxTasks = ${capacity * stage.web.maxTasks})`,
          "",
        ].join("\n"),
      );
      exitCode = covered ? 0 : 1;
    }
  } finally {
    cgroup.remove();
    if (options.jsonFile) fs.writeFileSync(options.jsonFile, JSON.stringify(summary, null, 2));
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(sidecar.prefix, { recursive: true, force: true });
  }
  return exitCode;
}
