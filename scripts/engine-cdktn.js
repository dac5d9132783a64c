#!/usr/bin/env node
/*
 * Tries the project on CDK Terrain (cdktn), the maintained successor of cdktf, in a
 * scratch copy, and proves the switch changes nothing Terraform would act on:
 *   1. copies the project's files (git's tracked and unignored ones) into a new temporary folder;
 *   2. synthesizes every stage there with the project's cdktf (its node_modules, linked);
 *   3. switches the copy to cdktn (scripts/engine/switch.js): package.json, and every
 *      engine module specifier in every source file, whatever files the tree holds;
 *   4. installs (the project's package-lock.json is kept, so unchanged packages keep
 *      their locked versions; --prefer-offline uses the npm cache), type-checks, and
 *      synthesizes every stage with cdktn;
 *   5. compares the two outputs after normalizing exactly the engine metadata and the
 *      AWS provider's version and source (scripts/engine/compare.js); any other
 *      difference fails, with the diff;
 *   6. checks scripts/engine/cdktn-manifest.json (what `npm test`'s engine-neutral test
 *      checks imports against) against the installed cdktn;
 *   7. with --cli (Node >= 22.19): installs cdktn-cli and runs `cdktn synth` through
 *      the CLI, whose cdktf.out gets the same comparison.
 * Writes nothing outside the scratch copy (except npm's own cache), unless
 * --write-manifest is given. Output: the renamed files and the normalized diff.
 *
 * Usage: npm run engine:cdktn -- [--check] [--cli] [--keep] [--write-manifest]
 *   --check           also fail on a stale manifest; remove the scratch copy afterwards
 *   (without --check) the same steps; the scratch copy is kept to explore
 * Exit 1 when a step fails or the outputs differ beyond what is normalized.
 *   --cli             also `cdktn synth` through cdktn-cli (needs Node >= 22.19)
 *   --keep            keep the scratch copy after --check
 *   --write-manifest  write scripts/engine/cdktn-manifest.json from the installed cdktn
 */
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { engineModule, sourceFiles, projectFiles, checkEngineNeutral } = require("./engine/imports");
const { TARGET, renameImports, switchPackageJson } = require("./engine/switch");
const { compareOutputs, formatComparison } = require("./engine/compare");
const { MANIFEST, buildManifest, formatManifest, readManifest, declaredExports } = require("./engine/manifest");

const root = path.resolve(__dirname, "..");
const OPTIONS = ["--check", "--cli", "--keep", "--write-manifest", "--help"];

const args = process.argv.slice(2);
const unknown = args.filter((a) => !OPTIONS.includes(a));
if (unknown.length || args.includes("--help")) {
  process.stderr.write(`usage: npm run engine:cdktn -- [${OPTIONS.slice(0, -1).join("] [")}]${unknown.length ? `\nunknown option: ${unknown.join(" ")}` : ""}\n`);
  process.exit(unknown.length ? 2 : 0);
}
const check = args.includes("--check");
const cli = args.includes("--cli");
const keep = args.includes("--keep") || !check;

const out = (line = "") => process.stdout.write(`${line}\n`);
const started = Date.now();
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

class StepError extends Error {}

/** Runs one step (a shell command in the scratch copy); its output is shown only when it fails. */
function run(name, dir, command, args, env = {}) {
  const t = Date.now();
  const result = spawnSync(command, args, {
    cwd: dir,
    env: { ...process.env, CHECKPOINT_DISABLE: "1", ...env },
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  const output = `${result.stdout || ""}${result.stderr || ""}${result.error ? `\n${result.error.message}` : ""}`;
  if (result.status !== 0) {
    out(`FAIL ${name} (${seconds(t)}, exit ${result.status})`);
    out(output.split("\n").slice(-60).join("\n"));
    throw new StepError(`${name} failed`);
  }
  out(`ok   ${name} (${seconds(t)})`);
  return output;
}

function nodeAtLeast(wanted) {
  const [a, b, c] = process.versions.node.split(".").map(Number);
  const [x, y, z] = wanted.split(".").map(Number);
  return a !== x ? a > x : b !== y ? b > y : c >= z;
}

/** Same synthesis, both engines: the stage stacks read no outdir but CDKTF_OUTDIR. */
function synthEnv(outdir) {
  return { CDKTF_OUTDIR: outdir };
}

function main() {
  if (cli && !nodeAtLeast(TARGET.cli.node)) {
    out(`--cli: ${TARGET.cli.name} needs Node >= ${TARGET.cli.node}, this is ${process.versions.node}`);
    return 2;
  }
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "engine-cdktn-"));
  out(`engine:cdktn: scratch copy ${scratch}`);
  try {
    // 1. The copy.
    for (const file of projectFiles(root)) {
      fs.mkdirSync(path.dirname(path.join(scratch, file)), { recursive: true });
      fs.copyFileSync(path.join(root, file), path.join(scratch, file));
    }
    const baseline = path.join(scratch, ".engine", "cdktf.out");
    const switched = path.join(scratch, ".engine", "cdktn.out");

    // 2. The cdktf synthesis of the same tree.
    const linked = fs.existsSync(path.join(root, "node_modules", "cdktf", "package.json"));
    if (linked) fs.symlinkSync(path.join(root, "node_modules"), path.join(scratch, "node_modules"), "dir");
    else run("npm ci (the project has no node_modules)", scratch, "npm", ["ci", "--no-audit", "--no-fund", "--prefer-offline", "--fetch-retries=4"]);
    const cdktfVersion = JSON.parse(fs.readFileSync(path.join(scratch, "node_modules", "cdktf", "package.json"), "utf8")).version;
    const cdktfExports = declaredExports(path.join(scratch, "node_modules", "cdktf", "lib", "index.d.ts"));
    run(`synthesize every stage with cdktf ${cdktfVersion}`, scratch, "node", ["scripts/run-ts.js", "main.ts"], synthEnv(baseline));
    if (linked) fs.unlinkSync(path.join(scratch, "node_modules"));
    fs.rmSync(path.join(scratch, "dist"), { recursive: true, force: true });

    // 3. The switch.
    const pkgFile = path.join(scratch, "package.json");
    const { pkg, changes, aliased } = switchPackageJson(JSON.parse(fs.readFileSync(pkgFile, "utf8")), { cli });
    fs.writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);
    out("package.json:");
    changes.forEach((c) => out(`  ${c}`));
    const renamedFiles = [];
    for (const file of sourceFiles(scratch)) {
      const full = path.join(scratch, file);
      const { text, renamed } = renameImports(fs.readFileSync(full, "utf8"), file);
      if (!renamed.length) continue;
      fs.writeFileSync(full, text);
      renamedFiles.push({ file, renamed });
    }
    const count = renamedFiles.reduce((n, f) => n + f.renamed.length, 0);
    out(`renamed ${count} module specifiers in ${renamedFiles.length} files:`);
    for (const { file, renamed } of renamedFiles) {
      // One entry per package: "@cdktf/provider-aws/lib/* -> @cdktn/provider-aws/lib/* (17)".
      const byPackage = new Map();
      for (const r of renamed) {
        const pkg = engineModule(r.from).pkg;
        const suffix = r.from.slice(pkg.length); // the same on both sides
        const key = suffix ? `${pkg}/* -> ${r.to.slice(0, r.to.length - suffix.length)}/*` : `${r.from} -> ${r.to}`;
        byPackage.set(key, (byPackage.get(key) || 0) + 1);
      }
      out(`  ${file}: ${[...byPackage].map(([k, n]) => (n > 1 ? `${k} (${n})` : k)).join(", ")}`);
    }
    if (!renamedFiles.length) throw new StepError("no source file imports cdktf: nothing was switched");

    // 4. Install, type-check, synthesize.
    run(
      `npm install ${TARGET.engine.name}@${TARGET.engine.version} and its providers (lockfile kept for the rest)`,
      scratch,
      "npm",
      ["install", "--no-audit", "--no-fund", "--prefer-offline", "--fetch-retries=4", "--loglevel=error"],
    );
    run("type-check (tsc --noEmit)", scratch, "node", ["node_modules/typescript/bin/tsc", "--noEmit", "-p", "tsconfig.json"]);
    const installed = JSON.parse(fs.readFileSync(path.join(scratch, "node_modules", TARGET.engine.name, "package.json"), "utf8")).version;
    run(`synthesize every stage with ${TARGET.engine.name} ${installed}`, scratch, "node", ["scripts/run-ts.js", "main.ts"], synthEnv(switched));

    // 5. The comparison.
    const comparison = compareOutputs(baseline, switched);
    formatComparison(comparison).forEach((l) => out(l));
    let problems = comparison.differences.length ? [`${comparison.differences.length} differences beyond the engine metadata and the AWS provider version`] : [];
    if (comparison.normalized.length === 0) problems.push("nothing was compared (no engine metadata found): the outputs are not cdktf.out folders");

    // 6. The manifest the engine-neutral test uses.
    const manifest = buildManifest(path.join(scratch, "node_modules"), aliased);
    const missing = cdktfExports.filter((n) => !manifest.engine.exports.includes(n));
    out(`cdktf ${cdktfVersion} exports ${cdktfExports.length} names; ${manifest.engine.name} ${manifest.engine.version} lacks ${missing.length}${missing.length ? `: ${missing.join(", ")}` : ""}`);
    const neutral = checkEngineNeutral(root, manifest);
    out(`engine-neutral imports: ${neutral.checked} checked, ${neutral.problems.length} problems`);
    neutral.problems.forEach((p) => out(`  ${p}`));
    if (neutral.problems.length) problems.push("the project imports something cdktn lacks");
    const fresh = formatManifest(manifest);
    if (args.includes("--write-manifest")) {
      fs.writeFileSync(MANIFEST, fresh);
      out(`wrote ${path.relative(root, MANIFEST)}`);
    } else if (!fs.existsSync(MANIFEST) || formatManifest(readManifest()) !== fresh) {
      out(`${path.relative(root, MANIFEST)} does not match the installed ${manifest.engine.name}: run npm run engine:cdktn -- --write-manifest`);
      if (check) problems.push("stale manifest");
    } else out(`${path.relative(root, MANIFEST)} matches the installed packages`);

    // 7. The CLI.
    if (cli) {
      const cliOut = path.join(scratch, "cdktf.out");
      run(`${TARGET.engine.name} synth (${TARGET.cli.name}, Node ${process.versions.node})`, scratch, "npx", ["--no-install", TARGET.engine.name, "synth"]);
      const viaCli = compareOutputs(baseline, cliOut);
      out(`${TARGET.engine.name} synth output against the cdktf synthesis:`);
      formatComparison(viaCli).forEach((l) => out(l));
      if (viaCli.differences.length) problems.push(`${TARGET.engine.name} synth: ${viaCli.differences.length} differences`);
    }

    if (problems.length) {
      out(`engine:cdktn: FAILED (${seconds(started)}): ${problems.join("; ")}`);
      return 1;
    }
    out(`engine:cdktn: passed in ${seconds(started)}: cdktf and cdktn synthesize the same Terraform (engine metadata and AWS provider version aside)`);
    return 0;
  } catch (error) {
    if (!(error instanceof StepError)) throw error;
    out(`engine:cdktn: FAILED (${seconds(started)}): ${error.message}`);
    return 1;
  } finally {
    if (keep) out(`scratch copy kept: ${scratch} (the switched project; rm -rf it when done)`);
    else fs.rmSync(scratch, { recursive: true, force: true });
  }
}

process.exitCode = main();
