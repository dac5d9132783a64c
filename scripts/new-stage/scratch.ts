/**
 * Adds a stage to a scratch copy of the project the way README's "Adding a stage"
 * says (copy the `staging` entry of config/stages.ts under a new key and give it its
 * own name prefix, state key, state access roles, domain and VPC range), so a test and
 * `npm run check:new-stage` can prove that nothing else needs editing.
 *
 * @example
 * const dir = scratchCopy(process.cwd());
 * addStage(dir, { name: "qa", namePrefix: "faq-qa", domain: "qa.faq.example.com", vpcCidr: "10.40.0.0/16" });
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** What README's "Adding a stage" asks to change in the copied entry. */
export interface NewStage {
  /** Key of the new entry: the stage and stack name. */
  readonly name: string;
  /** Its own resource name prefix. */
  readonly namePrefix: string;
  /** Its own public hostname. */
  readonly domain: string;
  /** A VPC range that overlaps no other stage's. */
  readonly vpcCidr: string;
  /** Entry to copy. @default "staging" */
  readonly from?: string;
}

/** Folders that are built or installed, never sources. */
const NOT_SOURCES = new Set([".git", "node_modules", "dist", "cdktf.out", ".tools", ".gen", "coverage"]);

/** The project's files: git's tracked and unignored files, or (outside a git work tree, e.g. in a scratch copy) every file but NOT_SOURCES. */
function projectFiles(root: string): string[] {
  try {
    return execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })
      .split("\0")
      .filter(Boolean);
  } catch {
    const found: string[] = [];
    const walk = (relative: string) => {
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

/**
 * Copies the project's tracked files (as they are in the working tree) into a new
 * temporary folder, with node_modules linked rather than copied. `only` limits the
 * copy to those top-level paths. Returns the folder.
 */
export function scratchCopy(root: string, only?: readonly string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "new-stage-"));
  const files = projectFiles(root).filter((f) => !only || only.some((p) => f === p || f.startsWith(`${p}/`)));
  for (const file of files) {
    const source = path.join(root, file);
    if (!fs.existsSync(source)) continue; // deleted in the working tree
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(source, path.join(dir, file));
  }
  fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
  return dir;
}

/** The text of one top-level entry of config/stages.ts, from `  <name>: {` to its closing `  },`. */
function entryText(source: string, name: string): string {
  const start = source.indexOf(`\n  ${name}: {\n`);
  if (start < 0) throw new Error(`config/stages.ts has no entry ${name}`);
  const end = source.indexOf("\n  },\n", start);
  if (end < 0) throw new Error(`config/stages.ts: entry ${name} does not end with "  },"`);
  return source.slice(start + 1, end + "\n  },\n".length);
}

/** Replaces the value of `field: "..."` inside an entry, failing if the field is not there once. */
function setString(entry: string, field: string, value: string): string {
  const pattern = new RegExp(`(\\b${field}: )"[^"]*"`, "g");
  const count = entry.match(pattern)?.length ?? 0;
  if (count < 1) throw new Error(`the copied entry has no ${field}`);
  return entry.replace(pattern, `$1${JSON.stringify(value)}`);
}

/** Edits `<dir>/config/stages.ts`: a copy of the `from` entry, renamed and re-addressed, appended last. */
export function addStage(dir: string, stage: NewStage): void {
  const file = path.join(dir, "config", "stages.ts");
  const source = fs.readFileSync(file, "utf8");
  // A name with a hyphen is a quoted key in TypeScript.
  const key = /^[a-z][a-z0-9]*$/.test(stage.name) ? stage.name : JSON.stringify(stage.name);
  let entry = entryText(source, stage.from ?? "staging").replace(/^ {2}("?)[a-z][a-z0-9-]*\1: \{/, `  ${key}: {`);
  const sourcePrefix = /\bnamePrefix: "([^"]*)"/.exec(entry)?.[1];
  entry = setString(entry, "namePrefix", stage.namePrefix);
  // Its own plan and deploy roles: the copied role names, with the new prefix.
  if (sourcePrefix) {
    entry = entry.replace(/(\baccessRoleNames: \[)([^\]]*)\]/, (_m, open: string, list: string) => `${open}${list.split(sourcePrefix).join(stage.namePrefix)}]`);
  }
  // The state key's folder is the stage name, like the existing entries.
  entry = entry.replace(/(\bkey: )"[^"/]*\//, `$1"${stage.name}/`);
  entry = setString(entry, "name", stage.domain);
  entry = setString(entry, "vpcCidr", stage.vpcCidr);
  const close = source.lastIndexOf("\n};");
  if (close < 0) throw new Error("config/stages.ts: the stages object does not end with };");
  fs.writeFileSync(file, `${source.slice(0, close)}\n\n${entry.replace(/\n$/, "")}${source.slice(close)}`);
}
