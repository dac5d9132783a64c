/*
 * Where the project names the engine: every module specifier that is `cdktf`,
 * `cdktf/<path>` or `@cdktf/provider-<name>[/<path>]`, found with the TypeScript
 * parser (never by text search, so a comment or a string that merely mentions
 * cdktf is left alone), with the symbols imported from it. Used twice:
 *   - the engine switch renames exactly these specifiers (switch.js);
 *   - the engine-neutral test checks them against what cdktn exports, recorded in
 *     cdktn-manifest.json (written from the installed cdktn package by
 *     `npm run engine:cdktn -- --write-manifest`), so `npm test` needs no cdktn.
 *
 * Plain JavaScript so that `npm run engine:cdktn` compiles nothing into the project.
 */
"use strict";
const fs = require("fs");
const path = require("path");

/** The engine package and the prefix of its prebuilt provider packages. */
const ENGINE = "cdktf";
const PROVIDER_PREFIX = "@cdktf/provider-";

/** The engine-related module a specifier names, or undefined. */
function engineModule(specifier) {
  if (specifier === ENGINE) return { pkg: ENGINE, subpath: "" };
  if (specifier.startsWith(`${ENGINE}/`)) return { pkg: ENGINE, subpath: specifier.slice(ENGINE.length + 1) };
  if (specifier.startsWith(PROVIDER_PREFIX)) {
    const slash = specifier.indexOf("/", PROVIDER_PREFIX.length);
    return slash < 0 ? { pkg: specifier, subpath: "" } : { pkg: specifier.slice(0, slash), subpath: specifier.slice(slash + 1) };
  }
  return undefined;
}

/**
 * Every engine module specifier in one source file.
 * Returns [{ specifier, start, end, line, names, namespace, kind }] where start/end
 * span the text between the quotes, `names` are the imported (not local) names of a
 * named import, `namespace` the local name of `import * as x` (its `x.Y` uses are
 * added to names), and kind is "import", "export", "require", "dynamic", "mock" or "type".
 */
function engineImports(source, fileName = "source.ts") {
  const ts = require("typescript");
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, fileName.endsWith(".js") ? ts.ScriptKind.JS : ts.ScriptKind.TS);
  const found = [];
  const add = (literal, kind, names = [], namespace) => {
    if (!literal || !ts.isStringLiteralLike(literal) || !engineModule(literal.text)) return;
    const start = literal.getStart(file) + 1;
    found.push({
      specifier: literal.text,
      start,
      end: literal.getEnd() - 1,
      line: file.getLineAndCharacterOfPosition(start).line + 1,
      names,
      namespace,
      kind,
    });
  };
  const namespaces = new Map(); // local name -> entry
  const visit = (node) => {
    if (ts.isImportDeclaration(node)) {
      const names = [];
      let namespace;
      const clause = node.importClause;
      if (clause && clause.namedBindings) {
        if (ts.isNamedImports(clause.namedBindings)) {
          for (const element of clause.namedBindings.elements) names.push((element.propertyName || element.name).text);
        } else namespace = clause.namedBindings.name.text;
      }
      if (clause && clause.name) names.push("default");
      add(node.moduleSpecifier, "import", names, namespace);
      if (namespace && found.length && found[found.length - 1].namespace === namespace) namespaces.set(namespace, found[found.length - 1]);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      const names = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements.map((e) => (e.propertyName || e.name).text) : [];
      add(node.moduleSpecifier, "export", names);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, "require", [], node.name.text);
      if (found.length && found[found.length - 1].namespace === node.name.text) namespaces.set(node.name.text, found[found.length - 1]);
    } else if (ts.isCallExpression(node) && node.arguments.length >= 1) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0], "dynamic");
      else if (ts.isIdentifier(callee) && callee.text === "require") add(node.arguments[0], "require");
      else if (
        ts.isPropertyAccessExpression(callee) &&
        ts.isIdentifier(callee.expression) &&
        callee.expression.text === "jest" &&
        ["mock", "requireActual", "requireMock", "doMock", "unmock"].includes(callee.name.text)
      )
        add(node.arguments[0], "mock");
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, "type", node.qualifier ? [rootName(ts, node.qualifier)] : []);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  // `x.Name` after `import * as x from "cdktf"`: Name is used from the module.
  if (namespaces.size) {
    const uses = (node) => {
      if ((ts.isPropertyAccessExpression(node) || ts.isQualifiedName(node)) && ts.isIdentifier(node.expression || node.left)) {
        const entry = namespaces.get((node.expression || node.left).text);
        const name = (node.name || node.right).text;
        if (entry && !entry.names.includes(name)) entry.names.push(name);
      }
      ts.forEachChild(node, uses);
    };
    uses(file);
  }
  return found;
}

function rootName(ts, entity) {
  while (ts.isQualifiedName(entity)) entity = entity.left;
  return entity.text;
}

/** Folders that are built or installed, never sources. */
const NOT_SOURCES = new Set([".git", "node_modules", "dist", "cdktf.out", ".tools", ".gen", "coverage"]);
const SOURCE_EXTENSIONS = /\.(ts|tsx|js|cjs|mjs)$/;

/** The project's files: git's tracked and unignored files, or (outside a git work tree) every file but NOT_SOURCES. */
function projectFiles(root) {
  try {
    const { execFileSync } = require("child_process");
    return execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    })
      .split("\0")
      .filter((f) => f && fs.existsSync(path.join(root, f)));
  } catch {
    const found = [];
    const walk = (relative) => {
      for (const entry of fs.readdirSync(path.join(root, relative), { withFileTypes: true })) {
        if (NOT_SOURCES.has(entry.name)) continue;
        const file = relative ? `${relative}/${entry.name}` : entry.name;
        if (entry.isDirectory()) walk(file);
        else if (entry.isFile()) found.push(file);
      }
    };
    walk("");
    return found;
  }
}

/** The project's TypeScript and JavaScript sources (declaration files excluded). */
function sourceFiles(root) {
  return projectFiles(root)
    .filter((f) => SOURCE_EXTENSIONS.test(f) && !f.endsWith(".d.ts"))
    .sort();
}

/**
 * What the target engine lacks of what `root`'s sources import. `manifest` is
 * cdktn-manifest.json. Returns { checked, problems }: checked counts the engine
 * imports looked at; each problem names the file, line, specifier and what is missing.
 */
function checkEngineNeutral(root, manifest, files = sourceFiles(root)) {
  const problems = [];
  let checked = 0;
  for (const file of files) {
    for (const entry of engineImports(fs.readFileSync(path.join(root, file), "utf8"), file)) {
      checked++;
      problems.push(...missingIn(manifest, entry).map((what) => `${file}:${entry.line}: ${entry.specifier}: ${what}`));
    }
  }
  return { checked, problems };
}

/** What `manifest` lacks of one import entry (empty when the target engine has it all). */
function missingIn(manifest, entry) {
  const { pkg, subpath } = engineModule(entry.specifier);
  if (pkg === ENGINE) {
    if (!subpath) {
      return entry.names.filter((n) => !manifest.engine.exports.includes(n)).map((n) => `${manifest.engine.name} ${manifest.engine.version} does not export ${n}`);
    }
    return manifest.engine.modules.includes(subpath.replace(/\.js$/, ""))
      ? []
      : [`${manifest.engine.name} ${manifest.engine.version} has no module ${subpath} (import from "${ENGINE}" itself: deep paths are private)`];
  }
  const provider = manifest.providers[pkg];
  if (!provider) {
    // Kept as it is: the switch aliases `cdktf` to cdktn so this package's peer resolves.
    if (manifest.aliased.includes(pkg)) return [];
    return [`no ${manifest.engine.name} package replaces ${pkg}, and the switch does not alias it (docs/cdktn.md)`];
  }
  if (!subpath) return [`import provider classes by path (${pkg}/lib/<resource>), not the barrel`];
  const m = /^lib\/([^/]+)(?:\/index)?$/.exec(subpath);
  if (!m) return [`${provider.name} ${provider.version}: ${subpath} is not a public module (lib/<resource>)`];
  return provider.modules.includes(m[1]) ? [] : [`${provider.name} ${provider.version} has no module lib/${m[1]}`];
}

module.exports = { ENGINE, PROVIDER_PREFIX, engineModule, engineImports, projectFiles, sourceFiles, checkEngineNeutral, missingIn };
