#!/usr/bin/env node
/*
 * Runs a TypeScript entry point of this project (default: main.ts) as compiled
 * JavaScript, transpiling only the sources that changed since the last run.
 *
 * Why: the cdktf template's ts-node with type checking spends seconds on the
 * provider type declarations before synthesizing anything. Here each source file
 * is transpiled on its own (ts.transpileModule, no type checking) into dist/, and
 * unchanged files are not transpiled again, so a synth costs little more than
 * loading cdktf. Type checking is done once, by `tsc --noEmit` in `npm test`.
 *
 * Usage: node scripts/run-ts.js [entry.ts] [args...]
 */
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const outDir = path.join(root, "dist");
// __tests__/helpers: the load test renders nginx with the same code as the nginx tests.
const SOURCE_DIRS = ["config", "constructs", "stacks", "checks", "scripts", "__tests__/helpers"];
const SOURCE_FILES = ["main.ts"];

function sources() {
  const found = SOURCE_FILES.map((f) => path.join(root, f)).filter((f) => fs.existsSync(f));
  const walk = (dir) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) found.push(full);
    }
  };
  SOURCE_DIRS.forEach((d) => walk(path.join(root, d)));
  return found;
}

function build() {
  let ts; // loaded only when something changed: it costs a few hundred milliseconds
  let compilerOptions;
  for (const source of sources()) {
    const target = path.join(outDir, path.relative(root, source)).replace(/\.ts$/, ".js");
    const stale = !fs.existsSync(target) || fs.statSync(target).mtimeMs < fs.statSync(source).mtimeMs;
    if (!stale) continue;
    if (!ts) {
      ts = require("typescript");
      const configFile = ts.readConfigFile(path.join(root, "tsconfig.json"), ts.sys.readFile);
      compilerOptions = ts.parseJsonConfigFileContent(configFile.config, ts.sys, root).options;
      compilerOptions.sourceMap = false;
      compilerOptions.inlineSourceMap = true;
    }
    const output = ts.transpileModule(fs.readFileSync(source, "utf8"), { compilerOptions, fileName: source });
    fs.mkdirSync(path.dirname(target), { recursive: true });
    // Write then rename (atomic): another process (a parallel test) may be loading this file right now.
    const temporary = `${target}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, output.outputText);
    fs.renameSync(temporary, target);
  }
}

/*
 * cdktf records a full, unlimited-depth stack trace for every token it creates
 * (tokens/private/stack-trace.js), only to show it when a token fails to resolve.
 * Formatting those traces was a tenth of a synth here. Format only real errors'
 * traces (V8's layout); the token bookkeeping objects get an empty trace.
 */
Error.prepareStackTrace = (error, frames) =>
  error instanceof Error
    ? `${Error.prototype.toString.call(error)}${frames.map((frame) => `\n    at ${frame}`).join("")}`
    : "";

build();
const entry = process.argv[2] && process.argv[2].endsWith(".ts") ? process.argv.splice(2, 1)[0] : "main.ts";
const compiled = path.join(outDir, path.relative(root, path.resolve(root, entry))).replace(/\.ts$/, ".js");
require(compiled);
