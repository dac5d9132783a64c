/**
 * The services the reference application talks to, started for a test on loopback, on free
 * ports, as the test's own processes: PostgreSQL 15 and Redis from Debian's packages (installed
 * by scripts/ensure-app-services.sh), both with TLS as on AWS (RDS with sslmode=require,
 * ElastiCache with in-transit encryption, a rediss:// URL), using a throwaway self-signed
 * certificate; and a small HTTP stand-in for Qdrant (see `startQdrantStandIn`).
 */
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as path from "path";
import { freePort } from "./nginx";

/** PostgreSQL refuses to run as root: as root, its processes run as nobody (setpriv), owning their folder. */
const NOBODY = 65534;
const isRoot = () => process.getuid?.() === 0;
const asServer = (cmd: string, args: string[]): [string, string[]] =>
  isRoot() ? ["setpriv", [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", cmd, ...args]] : [cmd, args];

function must(result: SpawnSyncReturns<string>, what: string): string {
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status}): ${result.stderr || result.stdout || result.error}`);
  return result.stdout;
}

/** Printed when a server is missing: the test fails with it, it never skips. */
export const SERVICES_HINT =
  "PostgreSQL 15 and Redis are needed by the reference-app test: run `sudo bash scripts/ensure-app-services.sh` " +
  "(npm test runs it as its pretest step when root), or install Debian's postgresql-15 and redis-server.";

/** PostgreSQL 15's server binaries, or undefined. */
export function postgresBinDir(): string | undefined {
  const dir = "/usr/lib/postgresql/15/bin";
  return fs.existsSync(path.join(dir, "initdb")) ? dir : undefined;
}

/** A self-signed certificate for 127.0.0.1 and localhost, which is also its own CA (SSL_CERT_FILE). */
export interface TestCertificate {
  readonly certFile: string;
  readonly keyFile: string;
}

export function makeCertificate(dir: string): TestCertificate {
  const certFile = path.join(dir, "server.crt");
  const keyFile = path.join(dir, "server.key");
  must(
    spawnSync(
      "openssl",
      ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
        "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-addext", "basicConstraints=critical,CA:TRUE",
        "-keyout", keyFile, "-out", certFile],
      { encoding: "utf8" },
    ),
    "openssl req",
  );
  fs.chmodSync(keyFile, 0o600);
  fs.chmodSync(certFile, 0o644);
  return { certFile, keyFile };
}

/** Waits until something accepts TCP connections on 127.0.0.1:port. */
export async function waitForPort(port: number, timeoutMs: number, exited?: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => (socket.destroy(), resolve(true)));
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    const why = exited?.();
    if (why !== undefined) throw new Error(why);
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A running PostgreSQL. */
export interface Postgres {
  readonly port: number;
  /** psql as the superuser over the Unix socket; throws on error. */
  psql(sql: string, database?: string): string;
  stop(): void;
}

/**
 * initdb, then a server on 127.0.0.1:<free port> with TLS on. Authentication stands in for RDS:
 * `appUser` (IAM authentication on RDS, whose tokens only RDS can check) is trusted over TLS;
 * every other role needs its password (scram-sha-256) over TLS; the superuser only on the socket.
 * RDS's `rds_iam` role is created, as the migration's app-role bootstrap grants it.
 */
export async function startPostgres(work: string, cert: TestCertificate, appUser: string): Promise<Postgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error(SERVICES_HINT);
  const dir = path.join(work, "postgres");
  const data = path.join(dir, "data");
  const socket = path.join(dir, "socket");
  fs.mkdirSync(socket, { recursive: true });
  const key = path.join(dir, "server.key");
  fs.copyFileSync(cert.keyFile, key);
  fs.chmodSync(key, 0o600);
  if (isRoot()) for (const p of [dir, socket, key]) fs.chownSync(p, NOBODY, NOBODY);
  const run = (cmd: string, args: string[]) => spawnSync(...asServer(cmd, args), { encoding: "utf8", timeout: 60_000 });
  must(run(path.join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth-local=trust", "--auth-host=reject", "-E", "UTF8"]), "initdb");
  fs.writeFileSync(
    path.join(data, "pg_hba.conf"),
    [
      "local all postgres trust",
      `hostssl all ${appUser} 127.0.0.1/32 trust`,
      "hostssl all all 127.0.0.1/32 scram-sha-256",
      "",
    ].join("\n"),
  );
  const port = await freePort();
  const options = [
    "-c listen_addresses=127.0.0.1", `-c port=${port}`, `-k ${socket}`,
    "-c ssl=on", `-c ssl_cert_file=${cert.certFile}`, `-c ssl_key_file=${key}`,
    "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off",
  ].join(" ");
  must(run(path.join(bin, "pg_ctl"), ["-D", data, "-w", "-t", "30", "-l", path.join(dir, "log"), "-o", options, "start"]), "pg_ctl start");
  const stop = () => void run(path.join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "stop"]);
  const psql = (sql: string, database = "postgres") =>
    must(spawnSync("psql", ["-h", socket, "-p", String(port), "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-qtAc", sql], { encoding: "utf8" }), `psql ${sql.slice(0, 60)}`);
  try {
    psql("CREATE ROLE rds_iam NOLOGIN");
  } catch (error) {
    stop();
    throw error;
  }
  return { port, psql, stop };
}

/** A running Redis. */
export interface Redis {
  readonly port: number;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** redis-server on 127.0.0.1:<free port>, TLS only (as ElastiCache with in-transit encryption), requiring `password`. */
export async function startRedis(cert: TestCertificate, password: string): Promise<Redis> {
  const port = await freePort();
  const child = spawn(
    "redis-server",
    ["--port", "0", "--tls-port", String(port), "--bind", "127.0.0.1", "--tls-cert-file", cert.certFile, "--tls-key-file", cert.keyFile,
      "--tls-ca-cert-file", cert.certFile, "--tls-auth-clients", "no", "--requirepass", password, "--save", "", "--appendonly", "no"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  if (child.pid === undefined) throw new Error(SERVICES_HINT);
  await waitForPort(port, 10_000, () => (child.exitCode !== null ? `redis-server exited: ${output}` : undefined));
  return {
    port,
    process: child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** The Qdrant stand-in and what it was asked. */
export interface QdrantStandIn {
  readonly port: number;
  /** Each request: method, path and whether its api-key header was right. */
  readonly requests: { method: string; path: string; authorized: boolean }[];
  stop(): Promise<void>;
}

/**
 * Qdrant cannot be installed here from a package registry, so this HTTP server stands in for
 * it, answering the endpoints the application uses, as Qdrant does with an API key set:
 * `GET /readyz` (no key needed, like Qdrant's health endpoints), `GET /collections/<name>` for
 * `collection` (status "green"), 404 for another collection, and 401 without the right `api-key`.
 */
export async function startQdrantStandIn(apiKey: string, collection: string): Promise<QdrantStandIn> {
  const requests: QdrantStandIn["requests"] = [];
  const server = http.createServer((req, res) => {
    const authorized = req.headers["api-key"] === apiKey;
    const url = req.url ?? "/";
    requests.push({ method: req.method ?? "", path: url, authorized });
    const json = (status: number, body: object) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method === "GET" && url === "/readyz") return void res.end("all shards are ready");
    if (!authorized) return json(401, { status: { error: "Must provide an API key or an authorization token" } });
    const m = /^\/collections\/([^/?]+)$/.exec(url);
    if (req.method === "GET" && m) {
      if (decodeURIComponent(m[1]) !== collection) return json(404, { status: { error: `Collection \`${m[1]}\` doesn't exist!` } });
      return json(200, { result: { status: "green", optimizer_status: "ok", points_count: 0 }, status: "ok", time: 0.0001 });
    }
    json(404, { status: { error: "not found" } });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { port, requests, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** One HTTP request to 127.0.0.1:port with any Host header (fetch cannot set Host). */
export function request(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, method: options.method ?? "GET", path: options.path, headers: options.headers, timeout: 15_000 },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`request ${options.path} timed out`)));
    req.on("error", reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}
