/**
 * Runs the nginx sidecar's real configuration (nginx/) on loopback for the
 * tests in __tests__/nginx/: lays the files out as the Dockerfile copies them,
 * renders the templates as the image's entrypoint does, moves the few absolute
 * paths under a temporary prefix, and starts Debian's nginx on a free port.
 *
 * What is changed for the test, and nothing else (see `TEST_SUBSTITUTIONS`):
 * - `/tmp/`         -> `<prefix>/tmp/`         (pid, temp paths, rendered config)
 * - `/srv/static/`  -> `<prefix>/srv/static/`  (the static files volume)
 * - `listen 8080`   -> `listen 127.0.0.1:<free port>`
 * - `127.0.0.1:8000`-> `127.0.0.1:<stub upstream port>` (Gunicorn)
 */
import { spawn, spawnSync, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "../../scripts/repo-root";

/** The nginx/ folder of this repository. */
export const NGINX_DIR = path.join(REPO_ROOT, "nginx");

/** Printed when nginx is missing: the test fails with it, it never skips. */
export const INSTALL_HINT =
  "nginx is not installed, and the real-nginx test needs it. Install Debian's nginx: " +
  "`sudo apt-get update && sudo apt-get install -y --no-install-recommends nginx-light` " +
  "(or run `sudo bash scripts/ensure-nginx.sh`, which `npm test` runs as its pretest step when root).";

/** The nginx binary on PATH or in /usr/sbin (Debian's place, often not on a user's PATH); undefined if none. */
export function findNginx(): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter), "/usr/sbin", "/usr/local/sbin"];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = path.join(dir, "nginx");
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** What the tests need from nginx/Dockerfile. */
export interface DockerfileFacts {
  /** The FROM image reference. */
  readonly from: string;
  /** ENV values set by the Dockerfile (after Dockerfile unescaping of `\$`). */
  readonly env: Record<string, string>;
  /** COPY instructions: sources relative to nginx/, destination in the image. */
  readonly copies: { sources: string[]; destination: string }[];
  /** The last USER instruction. */
  readonly user: string | undefined;
}

/** Reads the instructions the test relies on from nginx/Dockerfile (joins `\` continuations, skips comments). */
export function readDockerfile(file = path.join(NGINX_DIR, "Dockerfile")): DockerfileFacts {
  const logical: string[] = [];
  let current = "";
  for (const raw of fs.readFileSync(file, "utf8").split("\n")) {
    const line = raw.trim();
    if (line.startsWith("#") || (line === "" && current === "")) continue;
    if (line.endsWith("\\")) {
      current += line.slice(0, -1) + " ";
      continue;
    }
    logical.push((current + line).trim());
    current = "";
  }
  let from = "";
  let user: string | undefined;
  const env: Record<string, string> = {};
  const copies: { sources: string[]; destination: string }[] = [];
  for (const instr of logical) {
    const [keyword, ...rest] = instr.split(/\s+/);
    const args = instr.slice(keyword.length).trim();
    switch (keyword.toUpperCase()) {
      case "FROM":
        from = rest[0];
        break;
      case "USER":
        user = rest[0];
        break;
      case "ENV":
        // KEY=value pairs; a value may be double-quoted; `\$` is a literal `$`.
        for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("((?:[^"\\]|\\.)*)"|(\S*))/g)) {
          const value = m[3] !== undefined ? m[3] : (m[4] ?? "");
          env[m[1]] = value.replace(/\\(.)/g, "$1");
        }
        break;
      case "COPY": {
        const parts = rest.filter((p) => !p.startsWith("--"));
        copies.push({ sources: parts.slice(0, -1), destination: parts[parts.length - 1] });
        break;
      }
    }
  }
  return { from, env, copies, user };
}

/**
 * envsubst as the image's 20-envsubst-on-templates.sh runs it: only the
 * variables whose names are in `names` are replaced, in both `$NAME` and
 * `${NAME}` forms (an unset one by ""); every other `$word` stays as it is.
 */
export function envsubst(text: string, names: readonly string[], env: Record<string, string | undefined>): string {
  const allowed = new Set(names);
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, braced, bare) => {
    const name = braced ?? bare;
    return allowed.has(name) ? (env[name] ?? "") : whole;
  });
}

/**
 * The variable names the entrypoint passes to envsubst: those of the
 * container's environment matching NGINX_ENVSUBST_FILTER (an awk ERE; this
 * simple one means the same as a JavaScript RegExp).
 */
export function envsubstNames(filter: string | undefined, environment: Record<string, string>): string[] {
  const re = new RegExp(filter ?? "");
  return Object.keys(environment).filter((name) => re.test(name));
}

/** Copies a file or a folder (recursively) to `to`, creating parent folders. */
function copyInto(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.cpSync(from, to, { recursive: true });
}

/** One documented change the test makes to the production config. */
export interface Substitution {
  readonly from: string;
  readonly to: string;
}

/** The only changes made to the production config for the test, in order. */
export function TEST_SUBSTITUTIONS(prefix: string, port: number, upstreamPort: number): Substitution[] {
  return [
    { from: "/tmp/", to: `${prefix}/tmp/` },
    { from: "/srv/static/", to: `${prefix}/srv/static/` },
    { from: "listen 8080", to: `listen 127.0.0.1:${port}` },
    { from: "127.0.0.1:8000", to: `127.0.0.1:${upstreamPort}` },
  ];
}

/**
 * Applies the substitutions to whole tokens only (an absolute path starts
 * after whitespace; `listen 8080` and the upstream address end at a word
 * boundary). Returns the new text and how often each substitution applied.
 */
export function applySubstitutions(text: string, subs: readonly Substitution[]): { text: string; counts: number[] } {
  const counts: number[] = [];
  let out = text;
  for (const sub of subs) {
    const escaped = sub.from.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const pattern = sub.from.startsWith("/") ? new RegExp(`(?<=\\s)${escaped}`, "g") : new RegExp(`(?<![\\w.:])${escaped}(?![\\w.:])`, "g");
    let n = 0;
    out = out.replace(pattern, () => {
      n++;
      return sub.to;
    });
    counts.push(n);
  }
  return { text: out, counts };
}

/** A free TCP port on 127.0.0.1 (closed again before it is returned). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** The environment the sidecar gets from the task definition in the test. */
export interface SidecarEnv {
  readonly APP_DOMAIN: string;
  readonly APP_SERVER_NAMES: string;
  readonly CLIENT_MAX_BODY_SIZE: string;
  readonly VPC_CIDR: string;
  readonly HEALTH_CHECK_PATH: string;
}

/** An image-like file tree under a temporary prefix, rendered for the test. */
export interface RenderedSidecar {
  /** The temporary prefix standing for the image's `/`. */
  readonly prefix: string;
  /** `<prefix>/etc/nginx/nginx.conf`. */
  readonly confFile: string;
  /** Each config file: production text (as rendered in the container) and the text the test runs. */
  readonly files: { imagePath: string; production: string; test: string }[];
  /** How often each of TEST_SUBSTITUTIONS applied, over all files. */
  readonly substitutionCounts: number[];
  /** The substitutions used. */
  readonly substitutions: Substitution[];
  /** Variable names passed to envsubst. */
  readonly envsubstNames: string[];
}

/** Variables every container has besides the task's (base image ENV and the runtime's), none of which may be substituted. */
const OTHER_CONTAINER_ENV: Record<string, string> = {
  HOME: "/nonexistent",
  HOSTNAME: "ip-10-0-1-23",
  PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
  NGINX_VERSION: "1.28.0",
  PKG_RELEASE: "1~bookworm",
  ECS_CONTAINER_METADATA_URI_V4: "http://169.254.170.2/v4/x",
  AWS_REGION: "eu-west-1",
};

/**
 * Builds the image's file tree under a new temporary prefix: the Dockerfile's
 * COPY instructions, Debian's mime.types (the image ships one at the same
 * place), the templates rendered into NGINX_ENVSUBST_OUTPUT_DIR, then the test
 * substitutions applied to every config file.
 */
export function renderSidecar(env: SidecarEnv, port: number, upstreamPort: number): RenderedSidecar {
  const dockerfile = readDockerfile();
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), "nginx-sidecar-"));
  // Readable by nginx's workers, which run as `nobody` when the test runs as root.
  fs.chmodSync(prefix, 0o755);
  const root = (imagePath: string) => path.join(prefix, imagePath);

  for (const copy of dockerfile.copies) {
    for (const source of copy.sources) {
      const from = path.join(NGINX_DIR, source);
      const isDir = fs.statSync(from).isDirectory();
      const to = copy.destination.endsWith("/") && !isDir ? path.join(copy.destination, path.basename(source)) : copy.destination;
      copyInto(from, root(to));
    }
  }
  copyInto("/etc/nginx/mime.types", root("/etc/nginx/mime.types"));

  const templateDir = dockerfile.env.NGINX_ENVSUBST_TEMPLATE_DIR ?? "/etc/nginx/templates";
  const suffix = dockerfile.env.NGINX_ENVSUBST_TEMPLATE_SUFFIX ?? ".template";
  const outputDir = dockerfile.env.NGINX_ENVSUBST_OUTPUT_DIR ?? "/etc/nginx/conf.d";
  const containerEnv: Record<string, string> = { ...OTHER_CONTAINER_ENV, ...dockerfile.env, ...env };
  const names = envsubstNames(dockerfile.env.NGINX_ENVSUBST_FILTER, containerEnv);

  const configFiles: string[] = []; // image paths
  const walk = (imageDir: string): string[] =>
    fs.readdirSync(root(imageDir), { withFileTypes: true }).flatMap((e) => {
      const p = path.posix.join(imageDir, e.name);
      return e.isDirectory() ? walk(p) : [p];
    });
  if (fs.existsSync(root(templateDir))) {
    for (const template of walk(templateDir).filter((p) => p.endsWith(suffix))) {
      const rel = path.posix.relative(templateDir, template);
      const out = path.posix.join(outputDir, rel.slice(0, -suffix.length));
      fs.mkdirSync(path.dirname(root(out)), { recursive: true });
      fs.writeFileSync(root(out), envsubst(fs.readFileSync(root(template), "utf8"), names, containerEnv));
      configFiles.push(out);
    }
  }
  for (const copy of dockerfile.copies) {
    for (const source of copy.sources) {
      if (!fs.statSync(path.join(NGINX_DIR, source)).isDirectory()) configFiles.push(path.posix.join(copy.destination, path.basename(source)));
    }
  }

  const substitutions = TEST_SUBSTITUTIONS(prefix, port, upstreamPort);
  const totals = substitutions.map(() => 0);
  const files = configFiles.map((imagePath) => {
    const production = fs.readFileSync(root(imagePath), "utf8");
    const { text, counts } = applySubstitutions(production, substitutions);
    counts.forEach((n, i) => (totals[i] += n));
    fs.writeFileSync(root(imagePath), text);
    return { imagePath, production, test: text };
  });
  fs.mkdirSync(root("/tmp"), { recursive: true, mode: 0o755 });
  fs.mkdirSync(root("/srv/static"), { recursive: true, mode: 0o755 });

  return {
    prefix,
    confFile: root("/etc/nginx/nginx.conf"),
    files,
    substitutionCounts: totals,
    substitutions,
    envsubstNames: names,
  };
}

/**
 * `nginx -t` on a rendered tree: exit status and output. stdout is /dev/null:
 * the access log opens /dev/stdout, which cannot be reopened when it is the
 * socket Node gives a child for "pipe" (in the container it is a pipe).
 */
export function testConfig(nginx: string, sidecar: RenderedSidecar): { ok: boolean; output: string } {
  const run = spawnSync(nginx, ["-t", "-p", `${sidecar.prefix}/`, "-c", sidecar.confFile, "-e", "stderr"], {
    encoding: "utf8",
    stdio: ["ignore", "ignore", "pipe"],
    timeout: 10_000,
  });
  return { ok: run.status === 0, output: `${run.stderr ?? ""}${run.error ? String(run.error) : ""}` };
}

/** A running nginx and what it printed. */
export interface RunningNginx {
  readonly process: ChildProcess;
  /** Everything written to stdout so far (the JSON access log). */
  stdout(): string;
  /** Everything written to stderr so far (the error log). */
  stderr(): string;
  /** Stops nginx (SIGTERM, then SIGKILL after 3 s) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts nginx in the foreground on a rendered tree. Its stdout (the access
 * log, opened as /dev/stdout) is a file in the prefix, for the reason given
 * at `testConfig`; stderr (the error log) is a pipe.
 */
export function startNginx(nginx: string, sidecar: RenderedSidecar): RunningNginx {
  const stdoutFile = path.join(sidecar.prefix, "nginx.stdout");
  const stdoutFd = fs.openSync(stdoutFile, "a");
  const child = spawn(nginx, ["-p", `${sidecar.prefix}/`, "-c", sidecar.confFile, "-e", "stderr", "-g", "daemon off;"], {
    stdio: ["ignore", stdoutFd, "pipe"],
  });
  fs.closeSync(stdoutFd);
  let err = "";
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    process: child,
    stdout: () => fs.readFileSync(stdoutFile, "utf8"),
    stderr: () => err,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
