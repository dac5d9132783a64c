/**
 * The nginx sidecar (nginx/), tested for real: its configuration is rendered
 * as the container renders it, checked with `nginx -t`, and run by Debian's
 * nginx on loopback in front of a stub upstream that records what it receives.
 * See __tests__/helpers/nginx.ts for the only changes made to the production
 * config (paths under a temporary prefix, free loopback ports).
 *
 * nginx missing is a failure with install instructions, never a skip.
 */
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import * as zlib from "zlib";
import {
  applySubstitutions,
  envsubst,
  findNginx,
  freePort,
  INSTALL_HINT,
  readDockerfile,
  renderSidecar,
  startNginx,
  testConfig,
  type RenderedSidecar,
  type RunningNginx,
} from "../helpers/nginx";

const ENV = {
  APP_DOMAIN: "faq.example.test",
  APP_SERVER_NAMES: "faq.example.test www.faq.example.test",
  VPC_CIDR: "127.0.0.0/8",
  HEALTH_CHECK_PATH: "/health/",
  CLIENT_MAX_BODY_SIZE: "50m",
};
const SECURITY_HEADERS = [
  "strict-transport-security",
  "x-content-type-options",
  "x-frame-options",
  "referrer-policy",
  "content-security-policy",
  "permissions-policy",
];
const MAX_BODY_BYTES = 50 * 1024 * 1024;
const PAGE = "<!doctype html><title>FAQ</title>" + "<p>How do I reset my password? Use the link in the e-mail.</p>\n".repeat(100);
const CSS = "body { font-family: sans-serif; color: #222; }\n".repeat(200);

/** A request the stub upstream received. */
interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  bodyBytes: number;
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

let nginxBin: string | undefined;
let sidecar: RenderedSidecar | undefined;
let nginx: RunningNginx | undefined;
let upstream: http.Server | undefined;
let port = 0;
let startupLog = "";
const seen: Seen[] = [];

/** One request to nginx on loopback, on a new connection. */
function request(
  urlPath: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer; sendHeadersOnly?: boolean } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        path: urlPath,
        method: options.method ?? "GET",
        headers: { Host: ENV.APP_DOMAIN, ...options.headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
          if (options.sendHeadersOnly) req.destroy();
        });
        res.on("error", reject);
      },
    );
    req.setTimeout(5000, () => req.destroy(new Error(`timeout: ${urlPath}`)));
    req.on("error", reject);
    if (options.sendHeadersOnly) {
      req.flushHeaders(); // the body never follows: nginx must answer from the headers alone
    } else {
      req.end(options.body);
    }
  });
}

/** Requests the upstream saw for a path (query string ignored). */
function seenFor(urlPath: string): Seen[] {
  return seen.filter((s) => s.url.split("?")[0] === urlPath);
}

beforeAll(async () => {
  nginxBin = findNginx();
  if (!nginxBin) throw new Error(INSTALL_HINT);

  upstream = http.createServer((req, res) => {
    let bodyBytes = 0;
    req.on("data", (c: Buffer) => (bodyBytes += c.length));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, bodyBytes });
      const headers: http.OutgoingHttpHeaders = { "Content-Type": "text/html; charset=utf-8" };
      if (req.url?.includes("app-csp")) headers["Content-Security-Policy"] = "default-src 'none'";
      res.writeHead(200, headers);
      res.end(PAGE);
    });
  });
  await new Promise<void>((resolve) => upstream!.listen(0, "127.0.0.1", resolve));
  const upstreamPort = (upstream.address() as { port: number }).port;

  port = await freePort();
  sidecar = renderSidecar(ENV, port, upstreamPort);
  fs.mkdirSync(path.join(sidecar.prefix, "srv/static/css"), { recursive: true });
  fs.writeFileSync(path.join(sidecar.prefix, "srv/static/css/app.3f2a1b.css"), CSS);

  const check = testConfig(nginxBin, sidecar);
  if (!check.ok) throw new Error(`nginx -t failed on the rendered config:\n${check.output}`);

  nginx = startNginx(nginxBin, sidecar);
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      if ((await request("/nginx-health")).status === 200) break;
    } catch {
      // not listening yet
    }
    if (nginx.process.exitCode !== null || Date.now() > deadline) {
      throw new Error(`nginx did not start on 127.0.0.1:${port}:\n${nginx.stderr()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  startupLog = nginx.stderr();
});

afterAll(async () => {
  await nginx?.stop();
  await new Promise<void>((resolve) => (upstream ? upstream.close(() => resolve()) : resolve()));
  if (sidecar) fs.rmSync(sidecar.prefix, { recursive: true, force: true });
});

describe("nginx sidecar image (nginx/Dockerfile)", () => {
  const dockerfile = readDockerfile();

  it("builds FROM the official unprivileged image pinned to an exact nginx release", () => {
    expect(dockerfile.from).toMatch(/^nginxinc\/nginx-unprivileged:\d+\.\d+\.\d+-bookworm(@sha256:[0-9a-f]{64})?$/);
  });

  it("runs as the image's non-root user", () => {
    expect(dockerfile.user).toBe("101");
  });

  it("renders the templates into /tmp with only the sidecar's five variables", () => {
    expect(dockerfile.env.NGINX_ENVSUBST_OUTPUT_DIR).toBe("/tmp");
    expect(sidecar!.envsubstNames.sort()).toEqual(["APP_DOMAIN", "APP_SERVER_NAMES", "CLIENT_MAX_BODY_SIZE", "HEALTH_CHECK_PATH", "VPC_CIDR"]);
  });
});

describe("nginx sidecar config, rendered", () => {
  it("substitutes the five variables and leaves nginx's own $variables alone", () => {
    const rendered = sidecar!.files.find((f) => f.imagePath === "/tmp/conf.d/app.conf");
    expect(rendered).toBeDefined();
    expect(rendered!.production).toContain(`server_name ${ENV.APP_SERVER_NAMES};`);
    expect(rendered!.production).toContain(`client_max_body_size ${ENV.CLIENT_MAX_BODY_SIZE};`);
    expect(rendered!.production).toContain(`set_real_ip_from ${ENV.VPC_CIDR};`);
    expect(rendered!.production).toContain(`location = ${ENV.HEALTH_CHECK_PATH} {`);
    expect(rendered!.production).toContain("proxy_set_header Host $host;");
    // No environment placeholder is left for nginx to choke on.
    for (const f of sidecar!.files) expect(f.production).not.toMatch(/\$\{?[A-Z][A-Z0-9_]*\b/);
  });

  it("envsubst replaces both forms of a listed variable only", () => {
    expect(envsubst("$A ${A} $AB ${B} $host", ["A", "B"], { A: "x" })).toBe("x x $AB  $host");
  });

  it("differs from the production config only by the documented path and port substitutions", () => {
    const { prefix } = sidecar!;
    // Each substitution is used (a config change that makes one obsolete shows here).
    expect(sidecar!.substitutionCounts.every((n) => n > 0)).toBe(true);
    for (const f of sidecar!.files) {
      let back = f.test;
      for (const sub of [...sidecar!.substitutions].reverse()) back = back.split(sub.to).join(sub.from);
      expect(back).toBe(f.production);
      // No directive of the test config points outside the prefix (comments aside).
      const directives = f.test.replace(/#.*$/gm, "").replaceAll(`${prefix}/`, "<prefix>/");
      expect(directives).not.toMatch(/\s\/(tmp|srv|var|run|etc)\//);
    }
  });

  it("applies substitutions to whole tokens only", () => {
    const subs = [
      { from: "/tmp/", to: "/p/tmp/" },
      { from: "listen 8080", to: "listen 127.0.0.1:9" },
    ];
    expect(applySubstitutions("pid /tmp/x; a/tmp/b; listen 80800; listen 8080;", subs).text).toBe(
      "pid /p/tmp/x; a/tmp/b; listen 80800; listen 127.0.0.1:9;",
    );
  });

  it("passes nginx -t", () => {
    const check = testConfig(nginxBin!, sidecar!);
    expect(check.output).toContain("test is successful");
    expect(check.output).not.toMatch(/\[(warn|error|crit|alert|emerg)\]/);
    expect(check.ok).toBe(true);
  });

  it("starts without a warning in its error log", () => {
    expect(startupLog).not.toMatch(/\[(warn|error|crit|alert|emerg)\]/);
  });
});

describe("nginx sidecar, running", () => {
  it("proxies to the upstream with the forwarded headers and the real client IP", async () => {
    const res = await request("/faq/?q=1", {
      headers: { "X-Forwarded-For": "198.51.100.1, 203.0.113.7, 127.0.0.5", "X-Forwarded-Proto": "https" },
    });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe(PAGE);
    const [up] = seenFor("/faq/");
    expect(up.url).toBe("/faq/?q=1");
    expect(up.headers.host).toBe(ENV.APP_DOMAIN);
    expect(up.headers["x-forwarded-proto"]).toBe("https");
    // The chain received plus the peer (the load balancer), as a proxy appends.
    expect(up.headers["x-forwarded-for"]).toBe("198.51.100.1, 203.0.113.7, 127.0.0.5, 127.0.0.1");
    // Recursively skipping trusted (VPC) addresses from the right; the spoofable leftmost entry is ignored.
    expect(up.headers["x-real-ip"]).toBe("203.0.113.7");
    expect(up.headers["x-request-id"]).toMatch(/^[0-9a-f]{32}$/);
    // The JSON access log on stdout has the real client IP and the same request id.
    const line = nginx!
      .stdout()
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .find((entry) => entry.uri === "/faq/?q=1");
    expect(line).toMatchObject({ remote_addr: "203.0.113.7", peer_addr: "127.0.0.1", status: 200, request_id: up.headers["x-request-id"] });
  });

  it("passes the load balancer's X-Forwarded-Proto through unchanged", async () => {
    await request("/proto-http/", { headers: { "X-Forwarded-For": "203.0.113.8", "X-Forwarded-Proto": "http" } });
    expect(seenFor("/proto-http/")[0].headers["x-forwarded-proto"]).toBe("http");
  });

  it("sends X-Forwarded-Proto https when the request has none (the load balancer's health checks)", async () => {
    await request("/proto-none/");
    const [up] = seenFor("/proto-none/");
    expect(up.headers["x-forwarded-proto"]).toBe("https");
    expect(up.headers["x-forwarded-for"]).toBe("127.0.0.1");
  });

  it("adds every security header, once, to proxied, static and error responses; hides its version", async () => {
    const responses = [
      await request("/page/"),
      await request("/static/css/app.3f2a1b.css"),
      await request("/static/missing.css"),
      await request("/anything", { headers: { Host: "192.0.2.10" } }),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 200, 404, 421]);
    for (const res of responses) {
      for (const name of SECURITY_HEADERS) {
        expect(typeof res.headers[name]).toBe("string"); // a string, not an array: present exactly once
      }
      expect(res.headers.server).toBe("nginx");
    }
    const [page] = responses;
    expect(page.headers["strict-transport-security"]).toMatch(/^max-age=(\d+)/);
    expect(Number(/max-age=(\d+)/.exec(page.headers["strict-transport-security"] as string)![1])).toBeGreaterThanOrEqual(31536000);
    expect(page.headers["x-content-type-options"]).toBe("nosniff");
    expect(page.headers["x-frame-options"]).toBe("DENY");
    expect(page.headers["content-security-policy"]).toContain("default-src 'self'");
  });

  it("keeps the application's own Content-Security-Policy instead of adding the default", async () => {
    const res = await request("/app-csp/");
    expect(res.headers["content-security-policy"]).toBe("default-src 'none'");
  });

  it("gzips text responses", async () => {
    const page = await request("/gzip/", { headers: { "Accept-Encoding": "gzip" } });
    expect(page.headers["content-encoding"]).toBe("gzip");
    expect(page.headers.vary).toContain("Accept-Encoding");
    expect(zlib.gunzipSync(page.body).toString()).toBe(PAGE);
    const css = await request("/static/css/app.3f2a1b.css", { headers: { "Accept-Encoding": "gzip" } });
    expect(css.headers["content-encoding"]).toBe("gzip");
    expect(zlib.gunzipSync(css.body).toString()).toBe(CSS);
  });

  it("serves /static/ from disk with long-lived immutable caching, never from the upstream", async () => {
    const res = await request("/static/css/app.3f2a1b.css");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/css/);
    expect(res.body.toString()).toBe(CSS);
    expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    const missing = await request("/static/missing.css");
    expect(missing.status).toBe(404);
    expect(missing.headers["cache-control"]).toBeUndefined();
    expect(seen.filter((s) => s.url.startsWith("/static/"))).toEqual([]);
  });

  it("answers 413 to a body over 50 MB from its Content-Length alone, without reaching the upstream", async () => {
    const res = await request("/upload/", {
      method: "POST",
      headers: { "Content-Type": "application/octet-stream", "Content-Length": String(MAX_BODY_BYTES + 1) },
      sendHeadersOnly: true,
    });
    expect(res.status).toBe(413);
    expect(seenFor("/upload/")).toEqual([]);
  });

  it("buffers and forwards a body under the limit", async () => {
    const body = Buffer.alloc(1024 * 1024, 7);
    const res = await request("/upload-ok/", { method: "POST", headers: { "Content-Type": "application/octet-stream" }, body });
    expect(res.status).toBe(200);
    expect(seenFor("/upload-ok/")[0].bodyBytes).toBe(body.length);
  });

  it("sends the health path upstream with Host = APP_DOMAIN when the request's Host is the task IP", async () => {
    const res = await request(`${ENV.HEALTH_CHECK_PATH}`, { headers: { Host: "192.0.2.10:8080", "User-Agent": "ELB-HealthChecker/2.0" } });
    expect(res.status).toBe(200);
    const [up] = seenFor(ENV.HEALTH_CHECK_PATH);
    expect(up.headers.host).toBe(ENV.APP_DOMAIN);
    expect(up.headers["x-forwarded-proto"]).toBe("https");
  });

  it("proxies every name of APP_SERVER_NAMES (the alternative names too) with its own Host", async () => {
    const res = await request("/alt-name/", { headers: { Host: "www.faq.example.test" } });
    expect(res.status).not.toBe(421);
    expect(seenFor("/alt-name/").map((up) => up.headers.host)).toEqual(["www.faq.example.test"]);
  });

  it("proxies nothing else for an unknown Host (421)", async () => {
    const res = await request("/admin/", { headers: { Host: "192.0.2.10:8080" } });
    expect(res.status).toBe(421);
    expect(seenFor("/admin/")).toEqual([]);
  });

  it("answers /nginx-health itself, for any Host, without reaching the upstream", async () => {
    for (const host of [ENV.APP_DOMAIN, "127.0.0.1:8080"]) {
      const res = await request("/nginx-health", { headers: { Host: host } });
      expect(res.status).toBe(200);
      expect(res.body.toString()).toBe("ok\n");
    }
    expect(seenFor("/nginx-health")).toEqual([]);
  });

  it("limits each real client IP's request rate, answering 429 past the burst", async () => {
    const conf = sidecar!.files.map((f) => f.production).join("\n");
    const burst = Number(/limit_req zone=per_client burst=(\d+)/.exec(conf)![1]);
    const client = { "X-Forwarded-For": "198.51.100.50" };
    const statuses: number[] = [];
    const deadline = Date.now() + 10_000;
    while (statuses.length < burst + 200 && Date.now() < deadline) {
      const { status } = await request("/rate/", { headers: client });
      statuses.push(status);
      if (status === 429) break;
    }
    expect(statuses[statuses.length - 1]).toBe(429);
    expect(statuses.slice(0, -1).every((s) => s === 200)).toBe(true);
    expect(statuses.length).toBeGreaterThan(burst);
    // Another client (another X-Forwarded-For address from the load balancer) is not affected.
    expect((await request("/rate/", { headers: { "X-Forwarded-For": "198.51.100.51" } })).status).toBe(200);
    // The rejection is logged to the error log (stderr).
    expect(nginx!.stderr()).toMatch(/limiting requests.*client: 198\.51\.100\.50/);
  });
});
