/*
 * cdktn-manifest.json: what the cdktn packages the switch installs offer, read from
 * the installed packages (never written from memory), so that the engine-neutral
 * test in `npm test` can check the project's imports without cdktn installed.
 *   engine.exports     every name cdktn's index.d.ts exports (classes, functions, interfaces, types)
 *   engine.modules     its importable deep paths (lib/**, without .js), minus any under a private/ folder
 *   providers[<cdktf package>].modules   the resource modules (lib/<name>) of its cdktn successor
 *   aliased            cdktf packages the switch keeps, resolved through the `cdktf` alias
 * Written by `npm run engine:cdktn -- --write-manifest`; `--check` fails when it is stale.
 */
"use strict";
const fs = require("fs");
const path = require("path");
const { TARGET } = require("./switch");

const MANIFEST = path.join(__dirname, "cdktn-manifest.json");

function readVersion(dir) {
  return JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).version;
}

/** Every name a declaration file exports, through the TypeScript checker (re-exports followed). */
function declaredExports(indexDts) {
  const ts = require("typescript");
  const program = ts.createProgram([indexDts], { noEmit: true, skipLibCheck: true, types: [] });
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(indexDts);
  const symbol = file && checker.getSymbolAtLocation(file);
  if (!symbol) throw new Error(`manifest: ${indexDts} declares no module`);
  return checker.getExportsOfModule(symbol).map((s) => s.getName()).sort();
}

function libModules(pkgDir) {
  const found = [];
  const walk = (relative) => {
    for (const entry of fs.readdirSync(path.join(pkgDir, relative), { withFileTypes: true })) {
      const file = `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name !== "private" && entry.name !== "node_modules") walk(file);
      } else if (entry.name.endsWith(".js")) found.push(file.replace(/\.js$/, ""));
    }
  };
  walk("lib");
  return found.sort();
}

/** The manifest of the cdktn packages installed in `nodeModules`. `aliased`: cdktf packages the switch keeps. */
function buildManifest(nodeModules, aliased) {
  const engineDir = path.join(nodeModules, TARGET.engine.name);
  const providers = {};
  for (const [from, to] of Object.entries(TARGET.providers)) {
    const dir = path.join(nodeModules, to.name);
    providers[from] = {
      name: to.name,
      version: readVersion(dir),
      modules: fs
        .readdirSync(path.join(dir, "lib"), { withFileTypes: true })
        .filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, "lib", e.name, "index.js")))
        .map((e) => e.name)
        .sort(),
    };
  }
  return {
    engine: {
      name: TARGET.engine.name,
      version: readVersion(engineDir),
      exports: declaredExports(path.join(engineDir, "lib", "index.d.ts")),
      modules: libModules(engineDir),
    },
    providers,
    aliased: [...aliased].sort(),
  };
}

/** The manifest as written to disk: one array element a line, so a change reads as a small diff. */
function formatManifest(manifest) {
  return `${JSON.stringify(manifest, null, 1)}\n`;
}

function readManifest() {
  return JSON.parse(fs.readFileSync(MANIFEST, "utf8"));
}

module.exports = { MANIFEST, buildManifest, formatManifest, readManifest, declaredExports };
