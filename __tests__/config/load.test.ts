import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadStages, PLACEHOLDER_APP_IMAGE } from "../../config/load";
import { runSynth } from "../../stacks/platform-app";
import { problemsOf, rawStages, STAGE_NAMES } from "../helpers/stages";

describe("stage configuration", () => {
  it("loads every configured stage, named after its key", () => {
    const stages = loadStages(rawStages());
    expect(stages.map((s) => s.name)).toEqual(STAGE_NAMES);
    expect(STAGE_NAMES).toEqual(expect.arrayContaining(["staging", "production"]));
  });

  it("takes the app image from the environment, with a documented placeholder default", () => {
    expect(loadStages(rawStages())[0].appImage).toEqual(PLACEHOLDER_APP_IMAGE);
    const env = { APP_IMAGE_REPOSITORY: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/django-faq", APP_IMAGE_TAG: "3f9c2ab" };
    expect(loadStages(rawStages(), env)[0].appImage).toEqual({ repository: env.APP_IMAGE_REPOSITORY, tag: "3f9c2ab" });
  });

  it("accepts a third stage with config only", () => {
    const stages = loadStages({
      ...rawStages(),
      qa: {
        ...rawStages().staging,
        namePrefix: "faq-qa",
        state: { ...rawStages().staging.state, key: "qa/terraform.tfstate" },
        domain: { ...rawStages().staging.domain, name: "qa.faq.example.com" },
        network: { ...rawStages().staging.network, vpcCidr: "10.40.0.0/16" },
      },
    });
    expect(stages.map((s) => s.name)).toContain("qa");
  });

  it("fails when the VPC CIDR is malformed, naming the path and the value", () => {
    expect(problemsOf((r) => (r.production.network.vpcCidr = "10.0.0.0/33"))).toEqual([
      'production.network.vpcCidr: "10.0.0.0/33" is not a valid IPv4 CIDR',
    ]);
    expect(problemsOf((r) => (r.staging.network.vpcCidr = "10.0.0.1/16"))[0]).toMatch(/^staging\.network\.vpcCidr: "10\.0\.0\.1\/16" is not a valid IPv4 CIDR/);
  });

  it("fails when the VPC is smaller than /24 or larger than /16", () => {
    expect(problemsOf((r) => (r.staging.network.vpcCidr = "10.0.0.0/26"))[0]).toMatch(/^staging\.network\.vpcCidr: "10\.0\.0\.0\/26" must be between \/16 and \/24/);
    expect(problemsOf((r) => (r.staging.network.vpcCidr = "10.0.0.0/8"))[0]).toMatch(/^staging\.network\.vpcCidr: "10\.0\.0\.0\/8" must be between/);
  });

  it("fails when a stage asks for 1 availability zone", () => {
    expect(problemsOf((r) => (r.staging.network.azCount = 1))).toEqual(["staging.network.azCount: 1 must be 2 or 3 availability zones"]);
  });

  it("fails when a count is negative or not a whole number", () => {
    expect(problemsOf((r) => (r.staging.web.desiredCount = -1))).toContain("staging.web.desiredCount: -1 must be at least 1");
    expect(problemsOf((r) => (r.staging.web.maxTasks = 2.5))).toContain("staging.web.maxTasks: 2.5 must be a whole number");
  });

  it("fails when a key is unknown", () => {
    expect(problemsOf((r) => (r.staging.network.natGateway = "single"))).toEqual([
      'staging.network.natGateway: "single" is not a known setting (check the spelling against docs/CONFIG.md)',
    ]);
  });

  it("fails when the domain is missing", () => {
    expect(problemsOf((r) => delete r.production.domain.name)).toEqual(["production.domain.name: (missing) is required"]);
    expect(problemsOf((r) => delete r.production.domain)).toEqual(["production.domain: (missing) is required"]);
  });

  it("fails when a production stage asks for a single NAT gateway", () => {
    expect(problemsOf((r) => (r.production.network.natGateways = "single"))).toEqual([
      'production.network.natGateways: "single" must be "perAz" in a production stage (a single NAT gateway is one AZ away from an outage)',
    ]);
  });

  it("fails when two stages would share a state key or a name prefix", () => {
    const problems = problemsOf((r) => {
      r.production.state.key = r.staging.state.key;
      r.production.namePrefix = r.staging.namePrefix;
    });
    expect(problems).toEqual([
      'production.namePrefix: "faq-stg" is already used by stage staging; every stage needs its own',
      'production.state.key: "staging/terraform.tfstate" is already used by stage staging; every stage needs its own',
    ]);
  });

  it("fails when the log retention is not one CloudWatch accepts", () => {
    expect(problemsOf((r) => (r.staging.logRetentionDays = 10))[0]).toMatch(/^staging\.logRetentionDays: 10 is not a CloudWatch Logs retention period/);
  });

  it("fails when the image tag is latest or malformed", () => {
    expect(problemsOf(() => undefined, { APP_IMAGE_TAG: "latest" })[0]).toMatch(/^APP_IMAGE_TAG: "latest" is not allowed/);
    expect(problemsOf(() => undefined, { APP_IMAGE_TAG: "a b" })[0]).toBe('APP_IMAGE_TAG: "a b" is not a valid image tag');
    expect(problemsOf(() => undefined, { APP_IMAGE_REPOSITORY: "Not A Repo" })[0]).toMatch(/^APP_IMAGE_REPOSITORY: "Not A Repo" is not an image repository URI/);
  });

  it("fails when a stage name cannot be a stack name", () => {
    expect(problemsOf((r) => (r["Prod Stage"] = r.production))[0]).toMatch(/^Prod Stage: is not a valid stage name/);
  });

  it("lists every problem of every stage in one error", () => {
    const problems = problemsOf((r) => {
      r.production.network.vpcCidr = "10.0.0.0/33";
      r.production.network.azCount = 1;
      r.staging.web.desiredCount = -1;
      r.staging.unknown = true;
      r.production.cache.automaticFailover = false; // a cross-field rule in a valid section still runs
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'production.network.vpcCidr: "10.0.0.0/33" is not a valid IPv4 CIDR',
        "production.network.azCount: 1 must be 2 or 3 availability zones",
        "staging.web.desiredCount: -1 must be at least 1",
        "staging.unknown: true is not a known setting (check the spelling against docs/CONFIG.md)",
        "production.cache.automaticFailover: false must be true in a production stage",
      ]),
    );
  });
});

describe("synthesis with bad config", () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "bad-config-"));
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  it("fails when the config is invalid: exit code 2, one message, nothing written", () => {
    const raw = rawStages();
    raw.production.network.vpcCidr = "10.0.0.0/33";
    raw.production.network.natGateways = "single";
    const lines: string[] = [];
    const code = runSynth(raw, { CDKTF_OUTDIR: path.join(outdir, "cdktf.out") }, (l) => lines.push(l));
    expect(code).toBe(2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('production.network.vpcCidr: "10.0.0.0/33" is not a valid IPv4 CIDR');
    expect(lines[0]).toContain("nothing was written");
    expect(fs.existsSync(path.join(outdir, "cdktf.out"))).toBe(false);
  });
});
