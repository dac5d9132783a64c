/**
 * The application's contract, proven by running it: for each stage, the reference application
 * (__tests__/fixtures/reference-app/, which refuses to start on a missing or invalid variable)
 * is run with the synthesized task definitions' commands and environments:
 * - the migration container's command (the app-role bootstrap, then `manage.py migrate`) and
 *   the static-files container's `collectstatic`, against a real PostgreSQL 15;
 * - Gunicorn with the django container's command line exactly as synthesized, behind the
 *   project's nginx (nginx/, rendered with the nginx container's environment);
 * - real PostgreSQL 15 and Redis (Debian's packages, with TLS), started once for the run.
 * Qdrant cannot be installed here from a package registry: an HTTP stand-in answers its
 * readiness and collection endpoints and checks the api-key header (helpers/app-services.ts).
 *
 * What is changed for the test, and nothing else (see `loopbackValue` and `RUNTIME_ENV`):
 * - deploy-time hosts (the database endpoint, Qdrant's discovery name) -> 127.0.0.1, their
 *   ports -> the test servers' free ports; the media bucket's name -> a fixed test name;
 * - absolute paths: /tmp -> a test folder (the task's /tmp volume), STATIC_ROOT -> the folder
 *   nginx serves as /srv/static; Gunicorn's --bind port -> a free port;
 * - each secret -> a generated test value of the same shape (`TEST_SECRETS`);
 * - added: PATH (the reference app's virtualenv first), SSL_CERT_FILE (the image's trust store,
 *   here the test certificate), the task role's credentials and region (as ECS provides them).
 * Any other deploy-time value in an environment fails the test, naming the variable.
 */
import { spawn, spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CONTRACT_CONTAINERS, contractFor } from "../../config/app-contract";
import { containersOf } from "../helpers/web-fixture";
import { resource, STAGE_NAMES, synthStage, validStages } from "../helpers/stages";
import { findNginx, freePort, INSTALL_HINT, renderSidecar, startNginx, type RunningNginx, type SidecarEnv } from "../helpers/nginx";
import {
  makeCertificate,
  request,
  startPostgres,
  startQdrantStandIn,
  startRedis,
  waitForPort,
  type Postgres,
  type QdrantStandIn,
  type Redis,
} from "../helpers/app-services";

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, "../..");
const REFERENCE_APP = path.join(ROOT, "__tests__/fixtures/reference-app");
/** The app role's name in every stage (config database.appUsername). */
const APP_USERS = [...new Set(validStages().map((s) => s.database.appUsername))];

const token = (n: number, alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") =>
  Array.from(crypto.randomBytes(n), (b) => alphabet[b % alphabet.length]).join("");

/** Test values of the same shape as the real secrets. */
const SECRETS = {
  secretKey: token(64),
  geminiApiKey: `AIza${token(35, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")}`,
  qdrantApiKey: token(48),
  redisToken: token(64),
  masterPassword: token(40),
};

type Env = Record<string, string>;
type ContainerDef = { name: string; command: string[]; environment: { name: string; value: string }[]; secrets?: { name: string; valueFrom: string }[] };

let work: string;
let venvBin: string;
let certFile: string;
let postgres: Postgres;
let redis: Redis;
let qdrant: QdrantStandIn;
const nginxBinary = findNginx();
/** Stops the processes a stage started, waiting for each to exit. */
const stoppers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  if (!nginxBinary) throw new Error(INSTALL_HINT);
  const venv = spawnSync("bash", [path.join(ROOT, "scripts/python-env.sh"), "app"], { encoding: "utf8", timeout: 600_000 });
  if (venv.status !== 0) throw new Error(`python-env app failed: ${venv.stderr}`);
  venvBin = path.join(venv.stdout.trim(), "bin");
  work = fs.mkdtempSync(path.join(os.tmpdir(), "reference-app-"));
  fs.chmodSync(work, 0o755);
  const cert = makeCertificate(work);
  certFile = cert.certFile;
  [postgres, redis, qdrant] = await Promise.all([
    startPostgres(work, cert, APP_USERS.join(",")),
    startRedis(cert, SECRETS.redisToken),
    startQdrantStandIn(SECRETS.qdrantApiKey, validStages()[0].qdrant.collectionName),
  ]);
});

afterAll(async () => {
  await Promise.all(stoppers.splice(0).map((stop) => stop()));
  await Promise.all([redis?.stop(), qdrant?.stop()]);
  postgres?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/**
 * Runs a command (in its own process group) to its end; resolves with its exit code and output.
 * With `settleOn`: once the output contains it, the process has 5 s to exit before its group is
 * killed (a Gunicorn master may keep re-spawning workers that cannot boot rather than exit).
 */
function run(command: string[], env: Env, cwd: string, timeoutMs = 60_000, settleOn?: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let output = "";
    let settling: NodeJS.Timeout | undefined;
    const killGroup = () => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    };
    const onData = (d: Buffer) => {
      output += d.toString();
      if (settleOn && !settling && output.includes(settleOn)) settling = setTimeout(killGroup, 5000);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    const timer = setTimeout(killGroup, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      clearTimeout(settling);
      killGroup();
      resolve({ code, output });
    });
  });
}

describe.each(STAGE_NAMES)("reference app under the synthesized environment of %s", (stageName) => {
  const stage = validStages().find((s) => s.name === stageName)!;
  const { parsed } = synthStage(stageName);
  const web = containersOf(resource(parsed, "aws_ecs_task_definition", "web_task-definition")) as ContainerDef[];
  const migration = containersOf(resource(parsed, "aws_ecs_task_definition", "web_migration-task-definition")) as ContainerDef[];
  const container = (name: string) => [...web, ...migration].find((c) => c.name === name)!;
  const byContract = { django: container("django"), "static-files": container("static-files"), migration: container("migrate") };
  const nginxDef = container("nginx");
  const nginxEnv = Object.fromEntries(nginxDef.environment.map((e) => [e.name, e.value]));
  const hosts = byContract.django.environment.find((e) => e.name === "ALLOWED_HOSTS")!.value.split(",");

  let appDir: string;
  let tmpDir: string;
  let staticDir: string;
  let nginx: RunningNginx;
  let nginxPort: number;
  let gunicornLog = "";
  let stopGunicorn: (() => Promise<void>) | undefined;

  /** The loopback value of one synthesized plain value (see the file comment). */
  function loopbackValue(name: string, value: string): string {
    const qdrantHost = byContract.django.environment.find((e) => e.name === "QDRANT_HOST")!.value;
    let v = value
      .replace(/\$\{aws_db_instance\.[^}]+\.address\}/g, "127.0.0.1")
      .replace(/\$\{aws_s3_bucket\.[^}]+\.bucket\}/g, `${stage.namePrefix}-media-123456789012`)
      .split(qdrantHost)
      .join("127.0.0.1");
    if (name === "DB_PORT") v = String(postgres.port);
    if (name === "QDRANT_PORT") v = String(qdrant.port);
    if (name === "DATABASE_URL") v = v.replace(/@127\.0\.0\.1:\d+\//, `@127.0.0.1:${postgres.port}/`);
    if (name === "VECTOR_DB_URL") v = v.replace(/^http:\/\/127\.0\.0\.1:\d+$/, `http://127.0.0.1:${qdrant.port}`);
    if (name === "STATIC_ROOT" && v === stage.web.staticRoot) v = staticDir;
    else if (v === "/tmp" || v.startsWith("/tmp/")) v = tmpDir + v.slice(4);
    if (v.includes("${")) throw new Error(`${name}: no loopback mapping for the deploy-time value ${v}`);
    return v;
  }

  /** Test value of one secret, by the variable it fills. */
  function secretValue(name: string): string {
    const values: Env = {
      SECRET_KEY: SECRETS.secretKey,
      GEMINI_API_KEY: SECRETS.geminiApiKey,
      QDRANT_API_KEY: SECRETS.qdrantApiKey,
      REDIS_URL: `rediss://:${SECRETS.redisToken}@127.0.0.1:${redis.port}/0`,
      DB_PASSWORD: SECRETS.masterPassword,
    };
    if (!(name in values)) throw new Error(`${name}: a secret with no test value`);
    return values[name];
  }

  /** What the test adds to every app container's environment (see the file comment). */
  const RUNTIME_ENV = (): Env => ({
    PATH: `${venvBin}:/usr/local/bin:/usr/bin:/bin`,
    SSL_CERT_FILE: certFile,
    AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
    AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    AWS_REGION: stage.region,
    AWS_DEFAULT_REGION: stage.region,
    PYTHONDONTWRITEBYTECODE: "1",
  });

  /** The container's environment as the process sees it, optionally without one variable. */
  function environmentOf(def: ContainerDef, without?: string): Env {
    const env: Env = RUNTIME_ENV();
    for (const e of def.environment) env[e.name] = loopbackValue(e.name, e.value);
    for (const s of def.secrets ?? []) env[s.name] = secretValue(s.name);
    if (without !== undefined) {
      if (!(without in env)) throw new Error(`${def.name} has no ${without} to remove`);
      delete env[without];
    }
    return env;
  }

  /** Gunicorn's command line as synthesized, with its bind port and tmp folder moved. */
  function gunicornCommand(port: number): string[] {
    const command = [...byContract.django.command];
    const bind = command.indexOf("--bind");
    expect(command[bind + 1]).toMatch(/^127\.0\.0\.1:\d+$/);
    command[bind + 1] = `127.0.0.1:${port}`;
    return command.map((arg) => (arg === "/tmp" ? tmpDir : arg));
  }

  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(work, `${stageName}-`));
    appDir = path.join(dir, "app");
    tmpDir = path.join(dir, "tmp");
    fs.cpSync(REFERENCE_APP, appDir, { recursive: true });
    fs.mkdirSync(tmpDir);
    const gunicornPort = await freePort();
    nginxPort = await freePort();
    const sidecar = renderSidecar(nginxEnv as unknown as SidecarEnv, nginxPort, gunicornPort);
    staticDir = path.join(sidecar.prefix, "srv/static");

    // A fresh database per stage, owned by the master user (as RDS creates it).
    const db = stage.database;
    postgres.psql(`DROP DATABASE IF EXISTS ${db.databaseName} WITH (FORCE)`);
    postgres.psql(`DO $$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${db.masterUsername}') THEN CREATE ROLE ${db.masterUsername} LOGIN CREATEROLE CREATEDB; END IF; END$$`);
    postgres.psql(`ALTER ROLE ${db.masterUsername} PASSWORD '${SECRETS.masterPassword}'`);
    postgres.psql(`CREATE DATABASE ${db.databaseName} OWNER ${db.masterUsername}`);

    const migrate = await run(byContract.migration.command, environmentOf(byContract.migration), appDir);
    if (migrate.code !== 0) throw new Error(`the migration container failed (exit ${migrate.code}):\n${migrate.output}`);
    const collect = await run(byContract["static-files"].command, environmentOf(byContract["static-files"]), appDir);
    if (collect.code !== 0) throw new Error(`the static-files container failed (exit ${collect.code}):\n${collect.output}`);

    const gunicorn = spawn(gunicornCommand(gunicornPort)[0], gunicornCommand(gunicornPort).slice(1), {
      cwd: appDir,
      env: environmentOf(byContract.django),
      stdio: ["ignore", "pipe", "pipe"],
    });
    const gunicornExited = new Promise<void>((resolve) => gunicorn.once("exit", () => resolve()));
    stopGunicorn = async () => {
      // SIGINT: Gunicorn's quick shutdown (SIGTERM would wait out the graceful timeout on nginx's keep-alive connections).
      if (gunicorn.exitCode === null && gunicorn.signalCode === null) gunicorn.kill("SIGINT");
      await gunicornExited;
    };
    stoppers.push(stopGunicorn);
    gunicorn.stdout.on("data", (d: Buffer) => (gunicornLog += d.toString()));
    gunicorn.stderr.on("data", (d: Buffer) => (gunicornLog += d.toString()));
    await waitForPort(gunicornPort, 30_000, () => (gunicorn.exitCode !== null ? `Gunicorn exited (${gunicorn.exitCode}):\n${gunicornLog}` : undefined));
    nginx = startNginx(nginxBinary!, sidecar);
    stoppers.push(() => nginx.stop());
    await waitForPort(nginxPort, 10_000, () => (nginx.process.exitCode !== null ? `nginx exited: ${nginx.stderr()}` : undefined));
  });

  afterAll(async () => {
    await nginx?.stop();
    await stopGunicorn?.();
  });

  it("migrated as the master user and created the app role, which may write rows but not change the schema", () => {
    const db = stage.database;
    expect(postgres.psql("SELECT count(*) FROM django_migrations WHERE app = 'faq'", db.databaseName).trim()).toBe("1");
    const grants = postgres.psql(
      `SELECT string_agg(privilege_type, ',' ORDER BY privilege_type) FROM information_schema.role_table_grants WHERE grantee = '${db.appUsername}' AND table_name = 'faq_question'`,
      db.databaseName,
    );
    expect(grants.trim()).toBe("DELETE,INSERT,SELECT,UPDATE");
  });

  it("answers the ALB health check (Host: the task's IP) with 200 after checking PostgreSQL and Redis", async () => {
    const res = await request(nginxPort, { path: stage.web.healthCheck.path, headers: { Host: "10.0.1.23:8080", "User-Agent": "ELB-HealthChecker/2.0" } });
    expect({ status: res.status, body: JSON.parse(res.body) }).toEqual({ status: 200, body: { database: "ok", redis: "ok" } });
  });

  it("serves a collected static file from nginx, with its cache headers", async () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(staticDir, "staticfiles.json"), "utf8"));
    const hashed: string = manifest.paths["faq/app.css"];
    expect(hashed).toMatch(/^faq\/app\.[0-9a-f]{12}\.css$/);
    const res = await request(nginxPort, { path: `/static/${hashed}`, headers: { Host: stage.domain.name, "X-Forwarded-Proto": "https" } });
    expect(res.status).toBe(200);
    expect(res.body).toBe(fs.readFileSync(path.join(REFERENCE_APP, "faq/static/faq/app.css"), "utf8"));
    expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(gunicornLog).not.toContain(`/static/${hashed}`);
  });

  it("accepts a 10,000-character selection end to end (nginx, CSRF, Django, PostgreSQL as the app role, Qdrant with its key)", async () => {
    const host = stage.domain.name;
    const base = { Host: host, "X-Forwarded-Proto": "https" };
    const page = await request(nginxPort, { path: "/api/csrf/", headers: base });
    expect(page.status).toBe(200);
    const cookie = (page.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]).find((c) => c.startsWith("csrftoken="))!;
    expect(cookie).toBeDefined();
    const selection = "x".repeat(10_000);
    const before = qdrant.requests.length;
    const res = await request(nginxPort, {
      method: "POST",
      path: "/api/ask/",
      headers: { ...base, Cookie: cookie, "X-CSRFToken": cookie.split("=")[1], Origin: `https://${host}`, Referer: `https://${host}/`, "Content-Type": "application/json" },
      body: JSON.stringify({ selection }),
    });
    expect({ status: res.status, body: res.body.slice(0, 300) }).toMatchObject({ status: 200 });
    expect(JSON.parse(res.body)).toMatchObject({ characters: 10_000, collection: "green" });
    expect(qdrant.requests.slice(before)).toEqual([{ method: "GET", path: `/collections/${stage.qdrant.collectionName}`, authorized: true }]);
    const stored = postgres.psql("SELECT length(selection) FROM faq_question ORDER BY id DESC LIMIT 1", stage.database.databaseName);
    expect(stored.trim()).toBe("10000");
  });

  it("accepts every name of ALLOWED_HOSTS through nginx (www included where the stage has it)", async () => {
    expect(hosts).toEqual([stage.domain.name, ...stage.domain.subjectAlternativeNames]);
    for (const host of hosts) {
      const res = await request(nginxPort, { path: "/api/csrf/", headers: { Host: host, "X-Forwarded-Proto": "https" } });
      expect({ host, status: res.status }).toEqual({ host, status: 200 });
    }
  });

  it("provides every variable the reference app requires, in each container (the app's own table, config/contract.py)", () => {
    const required = JSON.parse(
      spawnSync(path.join(venvBin, "python"), ["-c", "import json; from config.contract import REQUIRED; print(json.dumps(REQUIRED))"], {
        cwd: REFERENCE_APP,
        encoding: "utf8",
        env: { PATH: process.env.PATH ?? "", PYTHONDONTWRITEBYTECODE: "1", DJANGO_SETTINGS_MODULE: "none" },
      }).stdout,
    ) as Record<string, string[]>;
    expect(Object.keys(required).sort()).toEqual([...CONTRACT_CONTAINERS].sort());
    for (const which of CONTRACT_CONTAINERS) {
      const provided = [...byContract[which].environment.map((e) => e.name), ...(byContract[which].secrets ?? []).map((e) => e.name)];
      expect({ which, missing: required[which].filter((name) => !provided.includes(name)) }).toEqual({ which, missing: [] });
    }
  });

  // A sample per container (each run starts Python, a Gunicorn run a few hundred ms; the test above covers
  // the whole table statically): removing a required variable must stop the process, naming it.
  const REMOVALS: [keyof typeof byContract, string][] = [
    ["static-files", "SECRET_KEY"],
    ["static-files", "STATIC_ROOT"],
    ["migration", "DATABASE_URL"],
    ["django", "REDIS_URL"],
    ["django", "VECTOR_DB_URL"],
    ["django", "GEMINI_API_KEY"],
  ];
  it.each(REMOVALS)("fails to start the %s container without %s, naming it", async (which, name) => {
    expect(contractFor(which).map((v) => v.name)).toContain(name);
    const def = byContract[which];
    const port = await freePort();
    const command = which === "django" ? gunicornCommand(port) : def.command;
    const result = await run(command, environmentOf(def, name), appDir, 30_000, `${name} is missing`);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain(`${name} is missing`);
  });

  it("runs each container of the contract (nothing in the contract is left unexercised)", () => {
    expect(Object.keys(byContract).sort()).toEqual([...CONTRACT_CONTAINERS].sort());
  });
});
