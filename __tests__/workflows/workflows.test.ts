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
  expect(files.sort()).toEqual(["deploy.yml", "pull-request.yml"]);
});

describe.each(files)("%s", (file) => {
  it("pins every action to a full commit SHA, with the version tag in a comment", () => {
    const uses = text(file)
      .split("\n")
      .filter((l) => /^\s*-?\s*uses:/.test(l));
    expect(uses.length).toBeGreaterThan(0);
    for (const line of uses) expect(line).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it("grants no permission by default (each job asks for its own)", () => {
    expect(text(file)).toMatch(/^permissions: \{\}$/m);
  });

  it("pins Terraform to a version >= 1.10 (S3 use_lockfile)", () => {
    const version = /TERRAFORM_VERSION: "(\d+)\.(\d+)\.(\d+)"/.exec(text(file));
    expect(version).not.toBeNull();
    const [major, minor] = [Number(version![1]), Number(version![2])];
    expect(major > 1 || (major === 1 && minor >= 10)).toBe(true);
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

  it("plans every stage with OIDC credentials and uploads the saved plan", () => {
    const plan = jobBlock(file, "plan");
    expect(plan).toMatch(/id-token: write/);
    expect(plan).toContain("- stage: staging");
    expect(plan).toContain("- stage: production");
    expect(plan).toContain("plan -input=false -lock-timeout=10m -out=plan.out");
    expect(plan).toContain("npm run --silent plan-report --");
    expect(plan).toContain("name: plan-${{ matrix.stage }}");
  });

  it("keeps one sticky comment per stage, found by a hidden marker", () => {
    const comment = jobBlock(file, "comment");
    expect(comment).toContain("const marker = `<!-- plan-report:${stage} -->`;");
    expect(comment).toContain("github.rest.issues.updateComment");
    expect(comment).toMatch(/permissions:\n\s+pull-requests: write\n/);
  });
});

describe("deploy.yml", () => {
  const file = "deploy.yml";

  it("never cancels an apply and gives each stage its own concurrency group", () => {
    for (const [job, group] of [
      ["staging", "deploy-staging"],
      ["production", "deploy-production"],
    ]) {
      expect(jobBlock(file, job)).toMatch(new RegExp(`group: ${group}\\n\\s+cancel-in-progress: false`));
    }
  });

  it("runs the production plan report with --strict unless allow_destroy is set", () => {
    const plan = jobBlock(file, "production-plan");
    expect(plan).toContain("ALLOW_DESTROY: ${{ inputs.allow_destroy }}");
    expect(plan).toContain('args=(--stage "$STAGE" --strict)');
    expect(plan).toContain('if [ "$ALLOW_DESTROY" = "true" ]; then args+=(--allow-destroy); fi');
    expect(text(file)).toMatch(/allow_destroy:\n(.*\n)*?\s+type: boolean\n\s+default: false/);
  });

  it("applies in production, behind the production environment, exactly the saved plan that was reported", () => {
    const production = jobBlock(file, "production");
    expect(production).toContain("needs: production-plan");
    expect(production).toMatch(/environment:\n\s+name: production/);
    expect(production).toContain("name: plan-production");
    expect(production).toContain("apply -input=false -lock-timeout=10m plan.out");
    expect(production).not.toContain("npm run synth");
    expect(jobBlock(file, "production-plan")).toContain("needs: staging");
  });

  it.each(["staging", "production"])("%s: applies, migrates, waits for stable services, checks health", (job) => {
    const block = jobBlock(file, job);
    const order = ["apply -input=false", "npm run migrate --", "aws ecs wait services-stable", "curl --fail"];
    const positions = order.map((step) => block.indexOf(step));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });
});
