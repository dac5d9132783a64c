/**
 * Guardrails of .github/workflows/ that a text check can hold (actionlint, run by
 * `npm run lint:workflows` and the scan, checks syntax, expressions and shell).
 */
import * as fs from "fs";
import * as path from "path";

const dir = path.resolve(__dirname, "../../.github/workflows");
const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
const text = (file: string) => fs.readFileSync(path.join(dir, file), "utf8");

/** The lines of one job: from `  <job>:` to the next job at the same indentation. */
function jobBlock(file: string, job: string): string {
  const lines = text(file).split("\n");
  const start = lines.findIndex((l) => l === `  ${job}:`);
  if (start < 0) throw new Error(`no job ${job} in ${file}`);
  const end = lines.findIndex((l, i) => i > start && /^ {2}[a-z][a-z0-9-]*:$/.test(l));
  return lines.slice(start, end < 0 ? undefined : end).join("\n");
}

it("has the pull request and deploy workflows", () => {
  expect(files.sort()).toEqual(["deploy-stage.yml", "deploy.yml", "pull-request.yml"]);
});

it("names no configured stage outside comments: the stage list comes from config", () => {
  for (const file of files) {
    const code = text(file)
      .split("\n")
      .filter((l) => !/^\s*#/.test(l))
      .join("\n");
    for (const stage of ["staging", "production"]) expect({ file, named: code.includes(stage) }).toEqual({ file, named: false });
  }
});

describe.each(files)("%s", (file) => {
  it("pins every action to a full commit SHA, with the version tag in a comment", () => {
    const uses = text(file)
      .split("\n")
      .filter((l) => /^\s*-?\s*uses:/.test(l) && !/uses: \.\/\.github\/workflows\/[\w-]+\.yml$/.test(l)); // this repository's own workflows
    expect(uses.length).toBeGreaterThan(0);
    for (const line of uses) expect(line).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it("grants no permission by default (each job asks for its own)", () => {
    expect(text(file)).toMatch(/^permissions: \{\}$/m);
  });

  it("pins Terraform to a version >= 1.11 (S3 use_lockfile, write-only arguments) where it runs Terraform", () => {
    if (!text(file).includes("hashicorp/setup-terraform")) return;
    const version = /TERRAFORM_VERSION: "(\d+)\.(\d+)\.(\d+)"/.exec(text(file));
    expect(version).not.toBeNull();
    const [major, minor] = [Number(version![1]), Number(version![2])];
    expect(major > 1 || (major === 1 && minor >= 11)).toBe(true);
  });
});

describe("pull-request.yml", () => {
  const file = "pull-request.yml";

  it("runs the README test command, synth and the scanners", () => {
    const checks = jobBlock(file, "checks");
    expect(checks).toContain("run: npm ci && npm test");
    expect(checks).toContain("run: npm run synth");
    expect(checks).toContain("run: npm run scan");
  });

  it("reads the stage matrix from config", () => {
    expect(jobBlock(file, "stages")).toContain('matrix="$(npm run -s stage-config -- --matrix)"');
  });

  it("plans every configured stage with OIDC credentials and uploads the saved plan", () => {
    const plan = jobBlock(file, "plan");
    expect(plan).toMatch(/id-token: write/);
    expect(plan).toContain("needs: [stages, checks]");
    expect(plan).toContain("matrix: ${{ fromJSON(needs.stages.outputs.matrix) }}");
    expect(plan).toContain("role-to-assume: ${{ vars[matrix.plan-role-variable] }}");
    expect(plan).toContain("plan -input=false -lock-timeout=10m -out=plan.out");
    expect(plan).toContain("npm run --silent plan-report --");
    expect(plan).toContain("name: plan-${{ matrix.stage }}");
  });

  it("keeps one sticky comment per stage, found by a hidden marker", () => {
    const comment = jobBlock(file, "comment");
    expect(comment).toContain("matrix: ${{ fromJSON(needs.stages.outputs.matrix) }}");
    expect(comment).toContain("const marker = `<!-- plan-report:${stage} -->`;");
    expect(comment).toContain("github.rest.issues.updateComment");
    expect(comment).toMatch(/permissions:\n\s+pull-requests: write\n/);
  });
});

describe("deploy.yml", () => {
  const file = "deploy.yml";

  it("deploys the stages of the config matrix one at a time, in order, stopping at the first failure", () => {
    const deploy = jobBlock(file, "deploy");
    expect(deploy).toContain("needs: stages");
    expect(deploy).toMatch(/max-parallel: 1\n\s+fail-fast: true\n\s+matrix: \$\{\{ fromJSON\(needs\.stages\.outputs\.matrix\) \}\}/);
    expect(deploy).toContain("uses: ./.github/workflows/deploy-stage.yml");
    expect(deploy).toContain("requires-approval: ${{ matrix.requires-approval }}");
    expect(deploy).toContain("allow-destroy: ${{ inputs.allow_destroy == true }}");
    expect(jobBlock(file, "stages")).toContain('matrix="$(npm run -s stage-config -- --matrix)"');
    expect(jobBlock(file, "stages")).toContain("if: github.ref == 'refs/heads/main'");
    expect(text(file)).toMatch(/allow_destroy:\n(.*\n)*?\s+type: boolean\n\s+default: false/);
  });
});

describe("deploy-stage.yml", () => {
  const file = "deploy-stage.yml";

  it("runs the plan report with --strict for a stage that requires approval, unless allow-destroy", () => {
    const plan = jobBlock(file, "plan");
    expect(plan).toContain("STRICT: ${{ inputs.requires-approval }}");
    expect(plan).toContain("ALLOW_DESTROY: ${{ inputs.allow-destroy }}");
    expect(plan).toContain('if [ "$STRICT" = "true" ]; then args+=(--strict); fi');
    expect(plan).toContain('if [ "$ALLOW_DESTROY" = "true" ]; then args+=(--allow-destroy); fi');
    expect(plan).toContain("role-to-assume: ${{ vars[inputs.plan-role-variable] }}");
    expect(plan).toContain("name: plan-${{ inputs.stage }}");
  });

  it("applies behind the stage's environment exactly the saved plan that was reported, never cancelling an apply", () => {
    const deploy = jobBlock(file, "deploy");
    expect(deploy).toContain("needs: plan");
    expect(deploy).toMatch(/environment:\n\s+name: \$\{\{ inputs\.environment \}\}/);
    expect(deploy).toContain("name: plan-${{ inputs.stage }}");
    expect(deploy).toContain("role-to-assume: ${{ vars[inputs.deploy-role-variable] }}");
    expect(deploy).toContain("apply -input=false -lock-timeout=10m plan.out");
    expect(deploy).not.toContain("npm run synth");
    expect(deploy).toMatch(/group: deploy-\$\{\{ inputs\.stage \}\}\n\s+cancel-in-progress: false/);
  });

  it("publishes every deploy's outcome to the stage's alarm topic, success or failure, as its last step", () => {
    const deploy = jobBlock(file, "deploy");
    const notify = deploy.slice(deploy.indexOf("- name: Notify the stage's alarm topic"));
    expect(notify).toContain("if: always() && steps.init.outcome == 'success'");
    expect(notify).toContain("STATUS: ${{ job.status }}");
    expect(notify).toContain('terraform -chdir="$STACK_DIR" output -raw alarm_topic_arn');
    expect(notify).toContain('aws sns publish --topic-arn "$topic"');
    expect(notify.slice(1)).not.toContain("\n      - ");
    expect(deploy).toMatch(/- name: terraform init\n\s+id: init\n/);
  });

  it("migrates with the plan's image before the apply updates the service, then waits for stable services and checks health", () => {
    const block = jobBlock(file, "deploy");
    const order = [
      'npm run --silent migrate -- "$STAGE" --before-apply',
      'apply -input=false -lock-timeout=10m plan.out',
      "aws ecs wait services-stable",
      "curl --fail",
    ];
    const positions = order.map((step) => block.indexOf(step));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    // The apply is the saved plan (nothing targeted, nothing re-planned).
    expect(block).not.toMatch(/-target[= ]/);
    expect(block.match(/terraform -chdir="\$STACK_DIR" apply /g)).toHaveLength(1);
    // Only a stage's first deploy (no migration task definition yet: exit 10) migrates after its apply.
    const after = block.slice(block.indexOf("apply -input=false"));
    expect(after).toMatch(/- name: Migrate the database \(first deploy of the stage\)\n\s+if: steps\.migrate\.outputs\.after-apply == 'true'\n\s+run: npm run migrate -- "\$STAGE"/);
    expect(block).toMatch(/if \[ "\$status" -eq 10 \]; then\n\s+echo "after-apply=true" >> "\$GITHUB_OUTPUT"/);
  });
});
