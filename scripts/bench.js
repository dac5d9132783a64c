#!/usr/bin/env node
/*
 * npm run bench [-- --runs N] [-- --skip-tests] [-- --skip-cdktf]
 *
 * Median wall time and peak memory of:
 *   floor        node -e 'require("cdktf")'       (the least any synth can cost)
 *   synth        npm run synth's command           (every stage, compiled JS, warm transpile cache)
 *   cdktf synth  npx cdktf synth                   (the path `cdktf deploy` takes)
 *   test suite   npm test                          (type check + jest)
 * Peak memory is the largest sum of RSS over the whole process tree (jest workers
 * included), sampled from /proc every 20 ms. Targets are from the foundation issue.
 */
"use strict";
const { spawn } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const root = path.resolve(__dirname, "..");
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf("--runs") + 1]) || 5;
const skipTests = args.includes("--skip-tests");
const skipCdktf = args.includes("--skip-cdktf");

function treeRssBytes(rootPid) {
  // Map every process to its parent once, then sum RSS over rootPid's descendants.
  const children = new Map();
  const rss = new Map();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ppid = Number(fields[1]);
      const pages = Number(fields[21]);
      rss.set(Number(entry), pages * 4096);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  let total = 0;
  const stack = [rootPid];
  while (stack.length) {
    const pid = stack.pop();
    total += rss.get(pid) || 0;
    stack.push(...(children.get(pid) || []));
  }
  return total;
}

function measure(command, env) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn("bash", ["-c", command], { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, treeRssBytes(child.pid));
    }, 20);
    child.on("exit", (code) => {
      clearInterval(sampler);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) reject(new Error(`${command} exited ${code}\n${stderr.slice(-2000)}`));
      else resolve({ seconds, peakMiB: peak / 1024 / 1024 });
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function bench(label, command, env = {}) {
  await measure(command, env); // warm-up: file cache, transpile cache
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(await measure(command, env));
  return {
    label,
    command,
    seconds: median(samples.map((s) => s.seconds)),
    min: Math.min(...samples.map((s) => s.seconds)),
    max: Math.max(...samples.map((s) => s.seconds)),
    peakMiB: Math.max(...samples.map((s) => s.peakMiB)),
  };
}

async function main() {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-"));
  const env = { CHECKPOINT_DISABLE: "1", CDKTF_OUTDIR: outdir };
  try {
    const rows = [];
    rows.push(await bench("floor: require(\"cdktf\")", `node -e 'require("cdktf")'`));
    rows.push(await bench("synth (npm run synth)", "node scripts/run-ts.js main.ts", env));
    if (!skipCdktf) rows.push(await bench("cdktf synth (npx)", `npx cdktf synth --output ${outdir}/cli`, { CHECKPOINT_DISABLE: "1" }));
    if (!skipTests) rows.push(await bench("test suite (npm test)", "npm test --silent", { CHECKPOINT_DISABLE: "1" }));

    const floor = rows[0].seconds;
    const pad = (s, n) => String(s).padEnd(n);
    console.log(`\n${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${runs} runs each (after one warm-up)\n`);
    console.log(`${pad("what", 26)}${pad("median s", 10)}${pad("min-max s", 14)}${pad("x floor", 9)}peak MiB`);
    for (const r of rows) {
      console.log(
        `${pad(r.label, 26)}${pad(r.seconds.toFixed(2), 10)}${pad(`${r.min.toFixed(2)}-${r.max.toFixed(2)}`, 14)}${pad((r.seconds / floor).toFixed(1), 9)}${r.peakMiB.toFixed(0)}`,
      );
    }
    const synth = rows[1];
    const tests = rows.find((r) => r.label.startsWith("test suite"));
    const verdicts = [
      [`synth <= 5x floor (${(5 * floor).toFixed(2)} s)`, synth.seconds <= 5 * floor],
      ["synth peak < 400 MiB", synth.peakMiB < 400],
      ...(tests ? [["test suite < 30 s", tests.seconds < 30], ["test suite peak < 1536 MiB", tests.peakMiB < 1536]] : []),
    ];
    console.log("");
    for (const [what, ok] of verdicts) console.log(`${ok ? "ok  " : "MISS"}  ${what}`);
    process.exitCode = verdicts.every(([, ok]) => ok) ? 0 : 1;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e.message);
  process.exitCode = 2;
});
