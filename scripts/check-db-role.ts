/**
 * npm run check:db-role: runs the migration task's app-role bootstrap
 * (constructs/database/app-role.ts) against a real PostgreSQL 15 and checks what
 * the application role can and cannot do. The server listens on a Unix socket in a
 * temporary directory only (no TCP port); `rds_iam` is created as a stand-in for RDS's
 * role, and local logins use trust authentication in place of IAM tokens.
 *
 * Needs PostgreSQL's server binaries (initdb, pg_ctl, postgres; Debian: postgresql-15)
 * and python3; psycopg comes from requirements/db-role.txt (scripts/python-env.sh).
 * Prints each check; exits 1 on any failure, or when it checked nothing.
 */
import { spawnSync, type SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { APP_ROLE_BOOTSTRAP } from "../constructs/database/app-role";

const root = path.resolve(__dirname, "..", "..");
const MASTER = "faq_admin";
const APP = "faq_app";
const DB = "faq";

function serverBinDir(): string | undefined {
  const versions = fs.existsSync("/usr/lib/postgresql") ? fs.readdirSync("/usr/lib/postgresql").sort().reverse() : [];
  const candidates = [process.env.PG_BINDIR, ...versions.map((v) => `/usr/lib/postgresql/${v}/bin`)].filter(Boolean) as string[];
  return candidates.find((d) => fs.existsSync(path.join(d, "initdb")) && fs.existsSync(path.join(d, "pg_ctl")));
}

/** The server binaries; on a fresh machine (root with apt-get, as in CI) Debian's postgresql is installed first. */
function findBinDir(): string {
  let dir = serverBinDir();
  if (!dir && process.getuid?.() === 0 && run("sh", ["-c", "command -v apt-get"]).status === 0) {
    console.log("check-db-role: installing PostgreSQL (apt-get)");
    must(run("apt-get", ["update", "-qq"]), "apt-get update");
    must(run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "postgresql", "postgresql-client"], { DEBIAN_FRONTEND: "noninteractive" }), "apt-get install postgresql");
    dir = serverBinDir();
  }
  if (!dir) throw new Error("check-db-role: PostgreSQL server binaries not found (install Debian's postgresql, or set PG_BINDIR)");
  return dir;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { encoding: "utf8", env: { ...process.env, ...env }, timeout: 600_000 });
}

/** PostgreSQL refuses to run as root: as root, the server runs as nobody (setpriv), owning its directory. */
const NOBODY = 65534;
const asServer = (cmd: string, args: string[]): [string, string[]] =>
  process.getuid?.() === 0 ? ["setpriv", [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", cmd, ...args]] : [cmd, args];
const server = (cmd: string, args: string[]) => run(...asServer(cmd, args));

function must(result: SpawnSyncReturns<string>, what: string): string {
  if (result.status !== 0) throw new Error(`check-db-role: ${what} failed (exit ${result.status}): ${result.stderr || result.stdout}`);
  return result.stdout;
}

const venv = must(run("bash", [path.join(root, "scripts/python-env.sh"), "db-role"]), "python-env db-role").trim();
const python = path.join(venv, "bin", "python");
const bin = findBinDir();
const work = fs.mkdtempSync(path.join(os.tmpdir(), "db-role-"));
const data = path.join(work, "data");
const socket = path.join(work, "socket");
fs.mkdirSync(socket);
if (process.getuid?.() === 0) for (const d of [work, socket]) fs.chownSync(d, NOBODY, NOBODY);
let started = false;
const checks: [string, boolean][] = [];
const check = (name: string, ok: boolean, result?: SpawnSyncReturns<string>) => {
  checks.push([name, ok]);
  console.log(`${ok ? "ok  " : "FAIL"} ${name}`);
  if (!ok && result) console.log(`     exit ${result.status}: ${(result.stderr || result.stdout).trim()}`);
};

try {
  must(server(path.join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8"]), "initdb");
  must(server(path.join(bin, "pg_ctl"), ["-D", data, "-w", "-l", path.join(work, "log"), "-o", `-c listen_addresses='' -k ${socket}`, "start"]), "pg_ctl start");
  started = true;
  const psql = (user: string, sql: string, db = DB) => run("psql", ["-h", socket, "-U", user, "-d", db, "-v", "ON_ERROR_STOP=1", "-qtAc", sql]);
  // RDS's master user: CREATEROLE and CREATEDB, not superuser; rds_iam exists on RDS.
  must(psql("postgres", `CREATE ROLE ${MASTER} LOGIN PASSWORD 'local-only' CREATEROLE CREATEDB; CREATE ROLE rds_iam NOLOGIN;`, "postgres"), "create master");
  must(psql("postgres", `CREATE DATABASE ${DB} OWNER ${MASTER}`, "postgres"), "create database");
  must(psql("postgres", `GRANT rds_iam TO ${MASTER} WITH ADMIN OPTION`, "postgres"), "grant rds_iam");
  must(psql("postgres", `REVOKE CREATE ON SCHEMA public FROM PUBLIC; ALTER SCHEMA public OWNER TO ${MASTER};`), "schema");

  // Stand-ins for `manage.py migrate`: the first creates a table with a sequence, the second another table.
  const migration = (file: string, sql: string) => {
    fs.writeFileSync(file, `import os, psycopg\nwith psycopg.connect(host=os.environ["DB_HOST"], dbname=os.environ["DB_NAME"], user=os.environ["DB_USER"], password=os.environ["DB_PASSWORD"], autocommit=True) as c:\n    c.execute(${JSON.stringify(sql)})\nprint("migrated")\n`);
    return `${python} ${file}`;
  };
  const bootstrap = (migrate: string, env: Record<string, string> = {}) =>
    run(python, ["-c", APP_ROLE_BOOTSTRAP], {
      DB_HOST: socket, DB_PORT: "5432", DB_NAME: DB, DB_USER: MASTER, DB_PASSWORD: "local-only", DB_APP_USER: APP,
      DB_SSLMODE: "disable", APP_ROLE_BOOTSTRAP_MIGRATE: migrate, ...env,
    });

  const first = bootstrap(migration(path.join(work, "m1.py"), "CREATE TABLE faq_entry (id serial PRIMARY KEY, question text NOT NULL)"));
  check("first run creates the role, then execs the migration", first.status === 0 && /app role faq_app/.test(first.stdout) && /migrated/.test(first.stdout), first);

  const role = must(psql("postgres", `SELECT rolsuper, rolcreaterole, rolcreatedb, rolcanlogin, rolpassword IS NULL FROM pg_authid WHERE rolname = '${APP}'`), "read role");
  check("the role logs in, has no password, and is no superuser, role or database creator", role.trim() === "f|f|f|t|t");
  const member = must(psql("postgres", `SELECT pg_has_role('${APP}', 'rds_iam', 'MEMBER')`), "membership");
  check("the role is a member of rds_iam (IAM authentication only)", member.trim() === "t");

  const rows = psql(APP, "INSERT INTO faq_entry (question) VALUES ('a'); UPDATE faq_entry SET question = 'b'; SELECT count(*) FROM faq_entry; DELETE FROM faq_entry;");
  check("the role reads and writes rows (and uses the id sequence)", rows.status === 0 && rows.stdout.trim() === "1", rows);
  for (const [what, sql] of [
    ["create a table", "CREATE TABLE sneaky (id int)"],
    ["drop a table", "DROP TABLE faq_entry"],
    ["alter a table", "ALTER TABLE faq_entry ADD COLUMN x int"],
    ["truncate a table", "TRUNCATE faq_entry"],
    ["create a role", "CREATE ROLE other"],
  ]) {
    const denied = psql(APP, sql);
    check(`the role may not ${what}`, denied.status !== 0 && /permission denied|must be owner/.test(denied.stderr));
  }

  const second = bootstrap(migration(path.join(work, "m2.py"), "CREATE TABLE faq_tag (id serial PRIMARY KEY, name text)"));
  check("a second run succeeds (idempotent)", second.status === 0 && /migrated/.test(second.stdout), second);
  const later = psql(APP, "INSERT INTO faq_tag (name) VALUES ('x'); SELECT count(*) FROM faq_tag;");
  check("tables created by later migrations are readable and writable by the role (default privileges)", later.status === 0 && later.stdout.trim() === "1", later);

  const same = bootstrap("true", { DB_APP_USER: MASTER });
  check("it refuses an app role equal to the master user", same.status !== 0 && /must differ/.test(same.stderr));
} finally {
  if (started) server(path.join(bin, "pg_ctl"), ["-D", data, "-m", "fast", "stop"]);
  fs.rmSync(work, { recursive: true, force: true });
}

const failed = checks.filter(([, ok]) => !ok).length;
console.log(`check-db-role: ${checks.length} checks, ${failed} failed`);
if (checks.length === 0 || failed > 0) process.exit(1);
