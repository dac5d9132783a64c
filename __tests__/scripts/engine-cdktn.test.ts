/*
 * The project stays engine-neutral: every import from cdktf or a prebuilt provider
 * names something CDK Terrain (cdktn) has too, judged against the manifest written
 * from the installed cdktn packages (`npm run engine:cdktn -- --write-manifest`), so
 * this runs without cdktn installed. Also the pieces `npm run engine:cdktn` is built
 * from: the import rename, the package.json switch and the normalized comparison.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

// Plain JavaScript modules (so the engine switch compiles nothing into the project).
const { checkEngineNeutral, engineImports, sourceFiles } = require("../../scripts/engine/imports");
const { renameImports, switchPackageJson, TARGET } = require("../../scripts/engine/switch");
const { compareOutputs, formatComparison } = require("../../scripts/engine/compare");
const { readManifest } = require("../../scripts/engine/manifest");

import { MIN_TERRAFORM_VERSION, TARGET_VERSIONS_CONTEXT } from "../../stacks/terraform-version";
import { synthStage } from "../helpers/stages";

const root = path.resolve(__dirname, "../..");
const manifest = readManifest();

function inScratch(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-neutral-"));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

describe("engine neutrality", () => {
  it("every cdktf and provider import of the project exists in cdktn (scripts/engine/cdktn-manifest.json)", () => {
    const { checked, problems } = checkEngineNeutral(root, manifest);
    expect(problems).toEqual([]);
    // It looked at something: the stacks import App, TerraformStack and provider classes.
    expect(checked).toBeGreaterThan(50);
  });

  it("the manifest is the one the switch installs", () => {
    expect(manifest.engine).toMatchObject(TARGET.engine);
    for (const [from, to] of Object.entries(TARGET.providers) as [string, { name: string; version: string }][]) {
      expect(manifest.providers[from]).toMatchObject(to);
    }
    expect(manifest.engine.exports).toContain("TerraformStack");
    expect(manifest.providers["@cdktf/provider-aws"].modules).toContain("db-instance");
  });

  it("fails when a source imports a private path, a symbol cdktn does not export, or a module the new provider lacks", () => {
    const dir = inScratch({
      "constructs/bad.ts": [
        'import { App, NotInCdktn } from "cdktf";',
        'import { tokenStack } from "cdktf/lib/tokens/private/stack-trace";',
        'import * as cdktf from "cdktf";',
        'import { Gone } from "@cdktf/provider-aws/lib/no-such-resource";',
        'import { AwsProvider } from "@cdktf/provider-aws";',
        'import { Thing } from "@cdktf/provider-unknown/lib/thing";',
        "export const x = [App, NotInCdktn, tokenStack, cdktf.AlsoMissing, Gone, AwsProvider, Thing];",
      ].join("\n"),
    });
    try {
      const { checked, problems } = checkEngineNeutral(dir, manifest, ["constructs/bad.ts"]);
      expect(checked).toBe(6);
      expect(problems).toEqual([
        "constructs/bad.ts:1: cdktf: cdktn 0.24.0 does not export NotInCdktn",
        expect.stringMatching(/^constructs\/bad.ts:2: cdktf\/lib\/tokens\/private\/stack-trace: cdktn 0.24.0 has no module/),
        "constructs/bad.ts:3: cdktf: cdktn 0.24.0 does not export AlsoMissing",
        "constructs/bad.ts:4: @cdktf/provider-aws/lib/no-such-resource: @cdktn/provider-aws 25.7.0 has no module lib/no-such-resource",
        "constructs/bad.ts:5: @cdktf/provider-aws: import provider classes by path (@cdktf/provider-aws/lib/<resource>), not the barrel",
        expect.stringMatching(/^constructs\/bad.ts:6: @cdktf\/provider-unknown\/lib\/thing: no cdktn package replaces @cdktf\/provider-unknown/),
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("finds the engine imports of every kind, and nothing in comments or plain strings", () => {
    const source = [
      "// import { App } from \"cdktf\"; in a comment",
      'const note = "cdktf";',
      'import "cdktf/lib/testing/adapters/jest";',
      'export { Fn } from "cdktf";',
      'const lazy = require("cdktf");',
      'jest.mock("@cdktf/provider-aws/lib/vpc");',
      'type T = import("cdktf").TerraformStack;',
      'async function f() { return import("@cdktf/provider-docker/lib/image"); }',
    ].join("\n");
    expect(engineImports(source, "x.ts").map((e: { specifier: string; kind: string }) => `${e.kind} ${e.specifier}`)).toEqual([
      "import cdktf/lib/testing/adapters/jest",
      "export cdktf",
      "require cdktf",
      "mock @cdktf/provider-aws/lib/vpc",
      "type cdktf",
      "dynamic @cdktf/provider-docker/lib/image",
    ]);
  });

  it("looks at the project's sources wherever they are (constructs, stacks, scripts, tests)", () => {
    const files: string[] = sourceFiles(root);
    for (const f of ["main.ts", "stacks/stage-stack.ts", "__tests__/helpers/setup.ts", "scripts/run-ts.js"]) expect(files).toContain(f);
    expect(files.some((f) => f.startsWith("node_modules/") || f.startsWith("dist/"))).toBe(false);
  });
});

describe("the Terraform versions cdktn checks features against", () => {
  it("are the stage stacks' required_version floor, declared as the App's targetVersions context", () => {
    for (const stage of ["staging", "production"]) {
      expect(synthStage(stage).parsed.terraform.required_version).toBe(`>= ${MIN_TERRAFORM_VERSION}`);
    }
    expect(TARGET_VERSIONS_CONTEXT).toEqual({ targetVersions: { terraform: `>=${MIN_TERRAFORM_VERSION}` } });
  });
});

describe("the engine switch", () => {
  it("renames the engine and provider-aws specifiers and keeps the docker provider, comments and strings", () => {
    const source = [
      "// cdktf stays in comments",
      'import { App } from "cdktf";',
      "import { Vpc } from '@cdktf/provider-aws/lib/vpc';",
      'import { Image } from "@cdktf/provider-docker/lib/image";',
      'import "cdktf/lib/testing/adapters/jest";',
      'const tag = { ManagedBy: "cdktf" };',
    ].join("\n");
    const { text, renamed } = renameImports(source, "a.ts");
    expect(text).toBe(
      [
        "// cdktf stays in comments",
        'import { App } from "cdktn";',
        "import { Vpc } from '@cdktn/provider-aws/lib/vpc';",
        'import { Image } from "@cdktf/provider-docker/lib/image";',
        'import "cdktn/lib/testing/adapters/jest";',
        'const tag = { ManagedBy: "cdktf" };',
      ].join("\n"),
    );
    expect(renamed.map((r: { line: number }) => r.line)).toEqual([2, 3, 5]);
  });

  it("switches package.json: cdktn, its AWS provider, constructs in cdktn's range, the alias for the docker provider", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
    const { pkg: switched, aliased } = switchPackageJson(pkg);
    expect(switched.dependencies).toMatchObject({
      cdktn: "0.24.0",
      "@cdktn/provider-aws": "25.7.0",
      constructs: "10.6.0",
      cdktf: "npm:cdktn@0.24.0",
      "@cdktf/provider-docker": pkg.dependencies["@cdktf/provider-docker"],
    });
    expect(switched.dependencies["@cdktf/provider-aws"]).toBeUndefined();
    expect(switched.devDependencies["cdktf-cli"]).toBeUndefined();
    expect(aliased).toEqual(["@cdktf/provider-docker"]);
    expect(switchPackageJson(pkg, { cli: true }).pkg.devDependencies["cdktn-cli"]).toBe("0.24.0");
    expect(pkg.dependencies.cdktf).toBe("0.21.0"); // the input is not changed
  });

  it("fails when the project has no cdktf dependency, naming the field", () => {
    expect(() => switchPackageJson({ dependencies: { zod: "4" } })).toThrow(/dependencies\.cdktf is missing/);
  });
});

describe("the normalized comparison", () => {
  const stack = (engine: string, aws: { version: string; source: string }, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      "//": { metadata: { version: engine, stackName: "s", backend: "local" } },
      terraform: { required_providers: { aws }, backend: { local: {} } },
      resource: { aws_s3_bucket: { b: { bucket: "x", ...extra } } },
    });
  const outputs = (engine: string, aws: { version: string; source: string }, extra?: Record<string, unknown>) =>
    inScratch({ "manifest.json": JSON.stringify({ version: engine, stacks: {} }), "stacks/s/cdk.tf.json": stack(engine, aws, extra) });

  it("normalizes exactly the engine version and the AWS provider's version and source", () => {
    const a = outputs("0.21.0", { version: "6.25.0", source: "aws" });
    const b = outputs("0.24.0", { version: "6.66.0", source: "hashicorp/aws" });
    const result = compareOutputs(a, b);
    expect(result.differences).toEqual([]);
    expect(result.normalized.map((n: { file: string; path: string }) => `${n.file} ${n.path}`)).toEqual([
      "manifest.json version",
      "stacks/s/cdk.tf.json //.metadata.version",
      "stacks/s/cdk.tf.json terraform.required_providers.aws.version",
      "stacks/s/cdk.tf.json terraform.required_providers.aws.source",
    ]);
    expect(formatComparison(result)).toContain("normalized diff (- cdktf, + cdktn): empty");
  });

  it("fails on any other difference: a resource argument, a stack on one side only", () => {
    const a = outputs("0.21.0", { version: "6.25.0", source: "aws" });
    const b = outputs("0.24.0", { version: "6.66.0", source: "hashicorp/aws" }, { force_destroy: true });
    fs.mkdirSync(path.join(b, "stacks/extra"));
    fs.writeFileSync(path.join(b, "stacks/extra/cdk.tf.json"), "{}");
    const result = compareOutputs(a, b);
    expect(result.differences.map((d: { file: string; path: string }) => `${d.file} ${d.path}`)).toEqual([
      "stacks/extra/cdk.tf.json ",
      "stacks/s/cdk.tf.json resource.aws_s3_bucket.b.force_destroy",
    ]);
    expect(formatComparison(result).join("\n")).toMatch(/\+ true/);
  });
});
