/*
 * Switches a copy of the project from cdktf to CDK Terrain (cdktn): its package.json
 * and the module specifiers of its sources. Pure functions over text; the caller
 * (scripts/engine-cdktn.js) decides where the copy is.
 *
 * What the switch does (docs/cdktn.md follows the same steps by hand):
 *   cdktf 0.21                 -> cdktn (TARGET.engine)
 *   @cdktf/provider-aws 21.x   -> @cdktn/provider-aws (TARGET.providers)
 *   constructs                 -> TARGET.constructs (cdktn needs >= 10.6, < 10.8)
 *   @cdktf/provider-docker     kept: no @cdktn/provider-docker is published. The name
 *                              `cdktf` becomes an alias of cdktn, so its peer resolves
 *                              to the same engine version.
 *   cdktf-cli                  -> cdktn-cli with `cli: true` (it needs Node >= 22.19),
 *                              otherwise removed from the copy.
 */
"use strict";
const { ENGINE, PROVIDER_PREFIX, engineImports, engineModule } = require("./imports");

/** The versions the switch installs. */
const TARGET = {
  engine: { name: "cdktn", version: "0.24.0" },
  cli: { name: "cdktn-cli", version: "0.24.0", node: "22.19.0" },
  constructs: "10.6.0",
  /** cdktf provider package -> its cdktn successor. */
  providers: { "@cdktf/provider-aws": { name: "@cdktn/provider-aws", version: "25.7.0" } },
};

/** The module specifier the switched source uses instead of `specifier` (unchanged when nothing replaces it). */
function renamedSpecifier(specifier) {
  const module = engineModule(specifier);
  if (!module) return specifier;
  const rest = module.subpath ? `/${module.subpath}` : "";
  if (module.pkg === ENGINE) return `${TARGET.engine.name}${rest}`;
  const successor = TARGET.providers[module.pkg];
  return successor ? `${successor.name}${rest}` : specifier;
}

/**
 * `source` with every engine module specifier renamed (imports, exports, require,
 * import(), jest.mock, import types). Returns { text, renamed: [{ line, from, to }] }.
 */
function renameImports(source, fileName) {
  const renamed = [];
  let text = source;
  const entries = engineImports(source, fileName).sort((a, b) => b.start - a.start); // back to front: offsets stay valid
  for (const entry of entries) {
    const to = renamedSpecifier(entry.specifier);
    if (to === entry.specifier) continue;
    text = text.slice(0, entry.start) + to + text.slice(entry.end);
    renamed.unshift({ line: entry.line, from: entry.specifier, to });
  }
  return { text, renamed };
}

/** The CLI subcommands a package.json script may call as `cdktf <command>`. */
const CLI_COMMAND = /(^|[\s;&|(])cdktf(?=\s+(synth|deploy|destroy|diff|plan|get|init|list|output|watch|provider|debug|convert)\b)/g;

/**
 * The switched package.json (an object; the input is not changed) and what changed,
 * as lines for the report. `cli`: install cdktn-cli (else the cdktf CLI is removed).
 * Throws when the project does not use cdktf as expected.
 */
function switchPackageJson(pkg, { cli = false } = {}) {
  const out = JSON.parse(JSON.stringify(pkg));
  const changes = [];
  const deps = out.dependencies || {};
  if (!deps[ENGINE]) throw new Error(`package.json: dependencies.${ENGINE} is missing (got ${JSON.stringify(Object.keys(deps))}); nothing to switch`);
  const from = (section, name) => `${section}.${name} ${out[section][name]}`;

  changes.push(`${from("dependencies", ENGINE)} -> dependencies.${TARGET.engine.name} ${TARGET.engine.version}`);
  delete deps[ENGINE];
  deps[TARGET.engine.name] = TARGET.engine.version;

  let kept = [];
  for (const name of Object.keys(deps).filter((n) => n.startsWith(PROVIDER_PREFIX))) {
    const successor = TARGET.providers[name];
    if (successor) {
      changes.push(`${from("dependencies", name)} -> dependencies.${successor.name} ${successor.version}`);
      delete deps[name];
      deps[successor.name] = successor.version;
    } else kept.push(name);
  }
  if (kept.length) {
    deps[ENGINE] = `npm:${TARGET.engine.name}@${TARGET.engine.version}`;
    changes.push(`dependencies.${ENGINE} = ${deps[ENGINE]} (alias: ${kept.join(", ")} kept, no cdktn build is published; its peer ${ENGINE} resolves to cdktn)`);
  }
  if (deps.constructs !== TARGET.constructs) {
    changes.push(`${from("dependencies", "constructs")} -> ${TARGET.constructs} (${TARGET.engine.name} needs >= 10.6.0 < 10.8.0)`);
    deps.constructs = TARGET.constructs;
  }
  out.dependencies = sortKeys(deps);

  const dev = out.devDependencies || {};
  if (dev["cdktf-cli"] !== undefined) {
    if (cli) {
      changes.push(`${from("devDependencies", "cdktf-cli")} -> devDependencies.${TARGET.cli.name} ${TARGET.cli.version}`);
      dev[TARGET.cli.name] = TARGET.cli.version;
    } else {
      changes.push(`${from("devDependencies", "cdktf-cli")} removed (${TARGET.cli.name} needs Node >= ${TARGET.cli.node}; --cli installs it)`);
    }
    delete dev["cdktf-cli"];
    out.devDependencies = sortKeys(dev);
  }
  for (const [name, command] of Object.entries(out.scripts || {})) {
    const switched = command.replace(CLI_COMMAND, `$1${TARGET.cli.name.replace(/-cli$/, "")}`);
    if (switched !== command) {
      changes.push(`scripts.${name}: ${command} -> ${switched}`);
      out.scripts[name] = switched;
    }
  }
  return { pkg: out, changes, aliased: kept };
}

function sortKeys(object) {
  return Object.fromEntries(Object.entries(object).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

module.exports = { TARGET, renamedSpecifier, renameImports, switchPackageJson };
