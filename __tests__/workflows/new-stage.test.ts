/**
 * A stage added as README's "Adding a stage" says, in a scratch copy of the project,
 * reaches the pull-request plan matrix and the deploy chain with no workflow edit.
 * (`npm run check:new-stage` goes further: CI=true npm test and synth in such a copy.)
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { addStage, scratchCopy } from "../../scripts/new-stage/scratch";
import type { DeliveryMatrix } from "../../scripts/stage-config/matrix";

const root = path.resolve(__dirname, "../..");
const workflows = ".github/workflows";

function matrixIn(dir: string): DeliveryMatrix {
  const out = execFileSync(process.execPath, ["scripts/run-ts.js", "scripts/stage-config.ts", "--matrix"], { cwd: dir, encoding: "utf8" });
  return JSON.parse(out);
}

describe("a stage added in a scratch copy", () => {
  let dir: string;
  let matrix: DeliveryMatrix;
  let before: DeliveryMatrix;

  beforeAll(() => {
    dir = scratchCopy(root, ["config", "scripts", ".github", "package.json", "tsconfig.json"]);
    before = matrixIn(dir);
    addStage(dir, { name: "qa-eu", namePrefix: "faq-qa-eu", domain: "qa-eu.faq.example.com", vpcCidr: "10.50.0.0/16" });
    matrix = matrixIn(dir);
  }, 60000);

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("appears last in the promotion order, with its own role variables and environment", () => {
    expect(matrix.include.map((e) => e.stage)).toEqual([...before.include.map((e) => e.stage), "qa-eu"]);
    expect(matrix.include.map((e) => e["promotion-step"])).toEqual(matrix.include.map((_, i) => i + 1));
    expect(matrix.include.at(-1)).toEqual({
      stage: "qa-eu",
      "promotion-step": before.include.length + 1,
      region: "eu-west-1",
      production: false,
      "requires-approval": false,
      environment: "qa-eu",
      "plan-role-variable": "AWS_PLAN_ROLE_ARN_QA_EU",
      "deploy-role-variable": "AWS_DEPLOY_ROLE_ARN_QA_EU",
      "health-check-path": "/health/",
    });
  });

  it("leaves the workflows untouched: they read the stage list from the matrix", () => {
    for (const file of fs.readdirSync(path.join(root, workflows))) {
      expect(fs.readFileSync(path.join(dir, workflows, file), "utf8")).toBe(fs.readFileSync(path.join(root, workflows, file), "utf8"));
    }
    const pr = fs.readFileSync(path.join(dir, workflows, "pull-request.yml"), "utf8");
    const deploy = fs.readFileSync(path.join(dir, workflows, "deploy.yml"), "utf8");
    // The stage list job prints what matrixIn read, and every per-stage job takes its matrix from it.
    for (const text of [pr, deploy]) {
      expect(text).toContain('matrix="$(npm run -s stage-config -- --matrix)"');
      expect(text).toContain('echo "matrix=$matrix" >> "$GITHUB_OUTPUT"');
    }
    expect(pr.match(/matrix: \$\{\{ fromJSON\(needs\.stages\.outputs\.matrix\) \}\}/g)).toHaveLength(2); // plan and comment
    expect(deploy.match(/matrix: \$\{\{ fromJSON\(needs\.stages\.outputs\.matrix\) \}\}/g)).toHaveLength(1);
    expect(deploy).toContain("uses: ./.github/workflows/deploy-stage.yml");
  });

  it("fails the stage list job when the new stage is misconfigured: exit 2, path and value, no stack trace", () => {
    const file = path.join(dir, "config", "stages.ts");
    const good = fs.readFileSync(file, "utf8");
    try {
      fs.writeFileSync(file, good.replace('vpcCidr: "10.50.0.0/16"', 'vpcCidr: "10.20.0.0/16"'));
      const run = spawnSync(process.execPath, ["scripts/run-ts.js", "scripts/stage-config.ts", "--matrix"], { cwd: dir, encoding: "utf8" });
      expect({ status: run.status, stdout: run.stdout }).toEqual({ status: 2, stdout: "" });
      expect(run.stderr).toContain('qa-eu.network.vpcCidr: "10.20.0.0/16" overlaps staging.network.vpcCidr ("10.20.0.0/16")');
      expect(run.stderr).not.toMatch(/\n\s+at \S/);
    } finally {
      fs.writeFileSync(file, good);
    }
  });

  it("is a stage the workflows would plan, comment on and deploy: what they read for it is in its matrix entry", () => {
    const entry = matrix.include.find((e) => e.stage === "qa-eu")!;
    const deploy = fs.readFileSync(path.join(dir, workflows, "deploy.yml"), "utf8");
    // Every `with:` input the deploy job passes comes from a key the entry has.
    const passed = [...deploy.matchAll(/\$\{\{ matrix\.([a-z-]+) \}\}/g)].map((m) => m[1]);
    expect(passed.length).toBeGreaterThan(5);
    for (const key of passed) expect(entry).toHaveProperty([key]);
    const pr = fs.readFileSync(path.join(dir, workflows, "pull-request.yml"), "utf8");
    const read = [...pr.matchAll(/\$\{\{(.*?)\}\}/g)].flatMap(([, expression]) => [...expression.matchAll(/(?<![.\w])matrix\.([a-z-]+)/g)].map((m) => m[1]));
    expect(read).toEqual(expect.arrayContaining(["stage", "region", "plan-role-variable"]));
    for (const key of read) expect(entry).toHaveProperty([key]);
  });
});
