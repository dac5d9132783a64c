/**
 * Runs the restore drill's script (qdrant-drill/restore_drill.py, the exact text the
 * drill task runs) against two local stand-ins of Qdrant's REST API on loopback and
 * free ports: a "live" one that lists and serves snapshots and counts its points, and
 * a "scratch" one that takes a snapshot upload and counts what it restored. The
 * snapshot payload carries its point count, so a restore yields exactly that count.
 */
import { spawn } from "child_process";
import { randomBytes } from "crypto";
import * as http from "http";
import type { AddressInfo } from "net";
import * as path from "path";

const SCRIPT = path.join(__dirname, "../../qdrant-drill/restore_drill.py");
const API_KEY = "drill-test-key";
const COLLECTION = "faq";

interface StandIn {
  url: string;
  server: http.Server;
  requests: string[];
}

/** A snapshot file: a header line with the point count, then filler bytes (streamed in chunks). */
function snapshotFile(points: number, fillerBytes: number): Buffer {
  return Buffer.concat([Buffer.from(`POINTS ${points}\n`), randomBytes(fillerBytes)]);
}

async function listen(handler: (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) => void): Promise<StandIn> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (c: Buffer) => parts.push(c));
    req.on("end", () => {
      requests.push(`${req.method} ${req.url}`);
      if (req.url !== "/readyz" && req.headers["api-key"] !== API_KEY) {
        res.writeHead(401).end("missing or wrong api-key");
        return;
      }
      handler(req, Buffer.concat(parts), res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server, requests };
}

const json = (res: http.ServerResponse, result: unknown) =>
  res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ result, status: "ok", time: 0.001 }));

function live(opts: { points: number; snapshots: { name: string; ageHours: number; file: Buffer }[] }) {
  return listen((req, _body, res) => {
    const base = `/collections/${COLLECTION}`;
    if (req.method === "GET" && req.url === `${base}/snapshots`) {
      return json(
        res,
        opts.snapshots.map((s) => ({
          name: s.name,
          // Qdrant's format: UTC without a zone.
          creation_time: new Date(Date.now() - s.ageHours * 3600_000).toISOString().replace("Z", ""),
          size: s.file.length,
        })),
      );
    }
    const download = opts.snapshots.find((s) => req.method === "GET" && req.url === `${base}/snapshots/${encodeURIComponent(s.name)}`);
    if (download) {
      // Written in pieces so the drill must read a streamed body.
      res.writeHead(200, { "Content-Type": "application/octet-stream" });
      for (let i = 0; i < download.file.length; i += 65536) res.write(download.file.subarray(i, i + 65536));
      return res.end();
    }
    if (req.method === "POST" && req.url === `${base}/points/count`) return json(res, { count: opts.points });
    return res.writeHead(404).end(`no route ${req.method} ${req.url}`);
  });
}

/** The scratch Qdrant: accepts one multipart upload and then counts the points its header line states. */
function scratch(received: { file?: Buffer }) {
  return listen((req, body, res) => {
    const base = `/collections/${COLLECTION}`;
    if (req.method === "GET" && req.url === "/readyz") return res.writeHead(200).end("all shards are ready");
    if (req.method === "POST" && req.url === `${base}/snapshots/upload?priority=snapshot&wait=true`) {
      const boundary = /boundary=([^;]+)/.exec(req.headers["content-type"] ?? "")?.[1];
      if (!boundary) return res.writeHead(400).end("not multipart");
      const start = body.indexOf("\r\n\r\n") + 4;
      const end = body.lastIndexOf(Buffer.from(`\r\n--${boundary}--`));
      if (start < 4 || end < start || !body.subarray(0, start).toString().includes('name="snapshot"')) {
        return res.writeHead(400).end("no snapshot part");
      }
      received.file = body.subarray(start, end);
      return json(res, true);
    }
    if (req.method === "POST" && req.url === `${base}/points/count`) {
      const header = /^POINTS (\d+)\n/.exec(received.file?.subarray(0, 32).toString("latin1") ?? "");
      if (!header) return res.writeHead(404).end(`Collection ${COLLECTION} not found`);
      return json(res, { count: Number(header[1]) });
    }
    return res.writeHead(404).end(`no route ${req.method} ${req.url}`);
  });
}

interface Run {
  code: number | null;
  stdout: string;
  result: Record<string, unknown>;
}

function runDrill(env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn("python3", [SCRIPT], { env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      const last = stdout.trim().split("\n").pop() ?? "";
      try {
        resolve({ code, stdout, result: JSON.parse(last) });
      } catch {
        reject(new Error(`drill printed no JSON result (exit ${code}):\n${stdout}\n${stderr}`));
      }
    });
  });
}

describe("Qdrant restore drill script", () => {
  const servers: http.Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });

  async function setUp(opts: { livePoints: number; snapshots: { name: string; ageHours: number; file: Buffer }[] }) {
    const received: { file?: Buffer } = {};
    const l = await live({ points: opts.livePoints, snapshots: opts.snapshots });
    const s = await scratch(received);
    servers.push(l.server, s.server);
    const env = {
      LIVE_QDRANT_URL: l.url,
      SCRATCH_QDRANT_URL: s.url,
      QDRANT_API_KEY: API_KEY,
      QDRANT_COLLECTION: COLLECTION,
      MAX_SNAPSHOT_AGE_HOURS: "26",
      SCRATCH_READY_TIMEOUT_SECONDS: "5",
      HTTP_TIMEOUT_SECONDS: "10",
    };
    return { live: l, scratch: s, received, env };
  }

  it("restores the newest snapshot byte for byte and passes when the counts agree", async () => {
    const newest = snapshotFile(1234, 1024 * 1024 + 17);
    const t = await setUp({
      livePoints: 1234,
      snapshots: [
        { name: "faq-1-2026-12-03-02-30-00.snapshot", ageHours: 50, file: snapshotFile(1000, 10) },
        { name: "faq-1-2026-12-04-02-30-00.snapshot", ageHours: 2, file: newest },
      ],
    });
    const run = await runDrill(t.env);
    expect(run.result).toMatchObject({
      drill: "qdrant-restore",
      status: "ok",
      snapshot: "faq-1-2026-12-04-02-30-00.snapshot",
      liveCount: 1234,
      restoredCount: 1234,
    });
    expect(run.code).toBe(0);
    expect(t.received.file?.equals(newest)).toBe(true);
  });

  it("fails when the restored count differs from the live one", async () => {
    const t = await setUp({ livePoints: 1300, snapshots: [{ name: "faq-new.snapshot", ageHours: 1, file: snapshotFile(1234, 100) }] });
    const run = await runDrill(t.env);
    expect(run.code).toBe(1);
    expect(run.result).toMatchObject({ status: "failed", liveCount: 1300, restoredCount: 1234 });
    expect(String(run.result.reason)).toContain("1234 points, the live one 1300");
  });

  it("passes a difference within POINT_COUNT_TOLERANCE_PERCENT", async () => {
    const t = await setUp({ livePoints: 1010, snapshots: [{ name: "faq-new.snapshot", ageHours: 1, file: snapshotFile(1000, 100) }] });
    const run = await runDrill({ ...t.env, POINT_COUNT_TOLERANCE_PERCENT: "1" });
    expect(run.result.status).toBe("ok");
    expect(run.code).toBe(0);
  });

  it("fails on a snapshot older than MAX_SNAPSHOT_AGE_HOURS, before restoring anything", async () => {
    const t = await setUp({ livePoints: 5, snapshots: [{ name: "faq-old.snapshot", ageHours: 30, file: snapshotFile(5, 10) }] });
    const run = await runDrill(t.env);
    expect(run.code).toBe(1);
    expect(String(run.result.reason)).toMatch(/newest snapshot is 30\.\d h old, more than MAX_SNAPSHOT_AGE_HOURS \(26\)/);
    expect(t.scratch.requests.some((r) => r.includes("/upload"))).toBe(false);
  });

  it("fails when the live Qdrant lists no snapshot", async () => {
    const t = await setUp({ livePoints: 5, snapshots: [] });
    const run = await runDrill(t.env);
    expect(run.code).toBe(1);
    expect(run.result.reason).toBe("the live Qdrant lists no snapshot of collection 'faq'");
  });

  it("fails with the status when the API key is wrong, and never prints the key", async () => {
    const t = await setUp({ livePoints: 5, snapshots: [{ name: "faq.snapshot", ageHours: 1, file: snapshotFile(5, 10) }] });
    const run = await runDrill({ ...t.env, QDRANT_API_KEY: "not-the-key" });
    expect(run.code).toBe(1);
    expect(String(run.result.reason)).toContain("answered 401");
    expect(run.stdout).not.toContain("not-the-key");
  });

  it("fails when the live Qdrant cannot be reached", async () => {
    const t = await setUp({ livePoints: 5, snapshots: [] });
    await new Promise((r) => t.live.server.close(r));
    const run = await runDrill(t.env);
    expect(run.code).toBe(1);
    expect(String(run.result.reason)).toMatch(/ConnectionRefusedError|Errno 111/);
  });
});
