/**
 * Config mistakes users really make: each is refused at synth with exit code 2, one
 * message naming the path and the value, nothing written, and no stack trace.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runSynth } from "../../stacks/platform-app";
import { addStage, scratchCopy } from "../../scripts/new-stage/scratch";
import { rawStages, validStages } from "../helpers/stages";

const outRoot = fs.mkdtempSync(path.join(os.tmpdir(), "config-mistakes-"));
afterAll(() => fs.rmSync(outRoot, { recursive: true, force: true }));

/** Synthesizes an edited config into a fresh folder: exit code, the log, whether anything was written. */
function synthBroken(edit: (raw: Record<string, any>) => void, env: Record<string, string> = {}) {
  const raw = rawStages();
  edit(raw);
  const outdir = fs.mkdtempSync(path.join(outRoot, "run-"));
  const lines: string[] = [];
  const code = runSynth(raw, { ...env, CDKTF_OUTDIR: path.join(outdir, "cdktf.out") }, (l) => lines.push(l));
  return { code, text: lines.join("\n"), lines, written: fs.readdirSync(outdir).length > 0 };
}

/** The common expectations, then the message for more specific ones. */
function refused(edit: (raw: Record<string, any>) => void, expected: readonly string[], env: Record<string, string> = {}): string {
  const { code, text, lines, written } = synthBroken(edit, env);
  expect(code).toBe(2);
  expect(written).toBe(false);
  expect(lines).toHaveLength(1);
  expect(text).toMatch(/^Invalid stage configuration \(\d+ problems?\); nothing was written:/);
  expect(text).not.toMatch(/\n\s+at \S/); // no stack trace
  for (const line of expected) expect(text).toContain(`  - ${line}`);
  return text;
}

const CERT = (region: string) => `arn:aws:acm:${region}:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0`;
function useCertificate(domain: Record<string, any>, arn: string): void {
  delete domain.hostedZoneId;
  domain.subjectAlternativeNames = [];
  domain.certificateArn = arn;
}

describe("config mistakes", () => {
  it("fails when the region is mistyped, suggesting the region meant", () => {
    refused((r) => (r.staging.region = "eu-wets-1"), [
      'staging.region: "eu-wets-1" is not an AWS region in config/regions.ts (did you mean "eu-west-1"?); a new region is added there (see its header)',
    ]);
    refused((r) => (r.production.state.region = "eu-west-9"), ['production.state.region: "eu-west-9" is not an AWS region in config/regions.ts (did you mean "eu-west-1"?)']);
  });

  it("fails when the certificate ARN is from another region", () => {
    refused((r) => useCertificate(r.staging.domain, CERT("us-east-1")), [
      `staging.domain.certificateArn: "${CERT("us-east-1")}" is in us-east-1, not in the stage's region eu-west-1: the load balancer can only use an ACM certificate of its own region (request or import it in eu-west-1)`,
    ]);
  });

  it("accepts a certificate ARN of the stage's region", () => {
    expect(synthBroken((r) => { useCertificate(r.staging.domain, CERT("eu-west-1")); r.staging.network.azCount = 9; }).text).not.toContain("certificateArn");
  });

  it("fails when the cache node type or the database instance class is mistyped, suggesting the type meant", () => {
    refused((r) => (r.staging.cache.nodeType = "cache.t4g.mirco"), [
      'staging.cache.nodeType: "cache.t4g.mirco" is not an ElastiCache node type in config/tables/instance-types.ts (did you mean "cache.t4g.micro"?)',
    ]);
    refused((r) => (r.production.cache.nodeType = "cache.m7.large"), ['production.cache.nodeType: "cache.m7.large" is not an ElastiCache node type in config/tables/instance-types.ts (did you mean "cache.m7g.large"?)']);
    refused((r) => (r.staging.database.instanceClass = "db.t4g.smal"), [
      'staging.database.instanceClass: "db.t4g.smal" is not an RDS for PostgreSQL instance class in config/tables/instance-types.ts (did you mean "db.t4g.small"?)',
    ]);
  });

  it("fails when the name prefix makes a load balancer or bucket name AWS refuses", () => {
    refused((r) => (r.staging.namePrefix = "internal-faq"), ['staging.namePrefix: "internal-faq" starts with "internal-", which AWS refuses at the start of load balancer names']);
    refused((r) => (r.staging.namePrefix = "xn--faq"), ['staging.namePrefix: "xn--faq" starts with "xn--", which AWS refuses at the start of S3 bucket names']);
    refused((r) => (r.staging.namePrefix = "faq-staging-eu-west"), ['staging.namePrefix: "faq-staging-eu-west" is not 3-16 lower-case letters, digits or hyphens']);
    refused((r) => (r.staging.namePrefix = "faq_stg"), ['staging.namePrefix: "faq_stg" is not 3-16 lower-case letters, digits or hyphens']);
    refused((r) => (r.staging.namePrefix = "faq-"), ['staging.namePrefix: "faq-" is not 3-16 lower-case letters, digits or hyphens']);
  });

  it("fails when two stages share a domain or a DNS name", () => {
    refused((r) => (r.production.domain.name = r.staging.domain.name), [
      'production.domain.name: "staging.faq.example.com" is already used by stage staging; two stages cannot share a DNS name (their alias records would overwrite each other)',
    ]);
    refused((r) => (r.staging.domain.subjectAlternativeNames = ["faq.example.com"]), [
      'production.domain.name: "faq.example.com" is already used by stage staging; two stages cannot share a DNS name (their alias records would overwrite each other)',
    ]);
  });

  it("fails when two stages' VPC ranges overlap", () => {
    refused((r) => (r.production.network.vpcCidr = "10.20.128.0/17"), [
      'production.network.vpcCidr: "10.20.128.0/17" overlaps staging.network.vpcCidr ("10.20.0.0/16"); give every stage its own range (peering or transit routing between stages needs distinct ones)',
    ]);
    refused((r) => (r.production.network.vpcCidr = "10.0.0.0/8"), ['production.network.vpcCidr: "10.0.0.0/8" overlaps staging.network.vpcCidr ("10.20.0.0/16")']);
  });

  it("fails when the region has fewer availability zones than azCount", () => {
    refused((r) => (r.production.region = "us-west-1"), [
      "production.network.azCount: 3 is more than the 2 availability zones us-west-1 has (usw1-az1, usw1-az3; config/regions.ts)",
    ]);
  });

  it("fails when a list repeats a value (duplicate budget thresholds), at the repeated index", () => {
    refused((r) => (r.staging.operations.budgetAlertThresholdsPercent = [80, 100, 80]), [
      "staging.operations.budgetAlertThresholdsPercent[2]: 80 is listed twice (also at [0]); each threshold sends its own notification",
    ]);
    refused((r) => (r.staging.operations.budgetAlertThresholdsPercent = [80, "90"]), ['staging.operations.budgetAlertThresholdsPercent[1]: "90" must be a number']);
  });

  it("reports every problem at once: a field error does not hide its section's cross-field rules, nor the cross-stage ones", () => {
    const text = refused(
      (r) => {
        r.staging.web.cpu = 300; // field error in web
        r.staging.web.minTasks = 4; // web.minTasks > web.maxTasks (3): cross-field, same section
        r.staging.network.azCount = 7; // field error in network
        r.staging.namePrefix = r.production.namePrefix; // cross-stage, on a stage with field errors
        r.staging.network.vpcCidr = r.production.network.vpcCidr; // cross-stage, in the section with a field error
        r.production.cache.nodeType = "cache.r7g.huge"; // table check
        r.production.cache.replicas = 0; // cross-field in the same section as the table check
      },
      [
        "staging.web.cpu: 300 is not a Fargate CPU size (256, 512, 1024, 2048, 4096, 8192 or 16384 units)",
        "staging.web.minTasks: 4 must not exceed web.maxTasks (3)",
        "staging.network.azCount: 7 must be 2 or 3 availability zones",
        'production.namePrefix: "faq-prod" is already used by stage staging; every stage needs its own',
        'production.network.vpcCidr: "10.30.0.0/16" overlaps staging.network.vpcCidr ("10.30.0.0/16")',
        'production.cache.nodeType: "cache.r7g.huge" is not an ElastiCache node type',
        "production.cache.replicas: 0 must be at least 1 in a production stage",
      ],
    );
    // A rule that needs the broken field stays silent rather than guessing: web.memoryMiB vs web.cpu.
    expect(text).not.toContain("staging.web.memoryMiB");
  });
});

describe("secret-shaped values", () => {
  const GOOGLE_KEY = "AIzaSyD4f7Qk2Lm9Xw3Rt6Yp1Zs8Nv5Bc0Hj2Ke";
  const ACCESS_KEY = "AKIAQX4RZ7TB2NLD5VW3";
  const RANDOM = "q8Vt3LmZ2xR9pK4wN7sB1yH6dF0gJ5cQ";
  const PRIVATE_KEY = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx3j9\n-----END RSA PRIVATE KEY-----";

  it.each([
    ["a Google API key", "web.geminiModel", GOOGLE_KEY, "a Google API key"],
    ["an AWS access key ID", "web.ragLocalEmbeddingModel", ACCESS_KEY, "an AWS access key ID"],
    ["a long random string", "web.djangoSettingsModule", RANDOM, "a long random string (an API key or password?)"],
    ["a private key", "web.ragLocalEmbeddingModel", PRIVATE_KEY, "a private key"],
  ])("fails when %s is pasted into a plain field, without printing it", (_what, field, secret, kind) => {
    const text = refused((r) => {
      const [section, key] = field.split(".");
      r.staging[section][key] = secret;
    }, [`staging.${field}: <redacted: ${kind}, ${secret.length} characters> looks like ${kind}: secrets go in Secrets Manager`]);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(secret.slice(0, 12));
  });

  it("never prints a secret that also fails a field's own rule or sits in an unknown key", () => {
    const text = refused(
      (r) => {
        r.staging.namePrefix = RANDOM; // fails its pattern too
        r.production.web.geminiApiKey = GOOGLE_KEY; // unknown key
        r.production.operations.budgetAlertThresholdsPercent = [GOOGLE_KEY];
      },
      [
        `staging.namePrefix: <redacted: a long random string (an API key or password?), ${RANDOM.length} characters> is not 3-16 lower-case letters`,
        `production.web.geminiApiKey: <redacted: a Google API key, ${GOOGLE_KEY.length} characters> is not a known setting`,
      ],
    );
    expect(text).not.toContain(RANDOM);
    expect(text).not.toContain(GOOGLE_KEY);
  });

  it("never prints a secret pasted as a stage name", () => {
    const text = refused((r) => (r[ACCESS_KEY] = r.staging), [`<redacted: an AWS access key ID, 20 characters>: is a stage name that looks like an AWS access key ID`]);
    expect(text).not.toContain(ACCESS_KEY);
  });

  it("refuses a secret-shaped image tag from the environment, without printing it", () => {
    const text = refused(() => undefined, [`APP_IMAGE_TAG: <redacted: a Google API key, ${GOOGLE_KEY.length} characters> looks like a Google API key`], {
      APP_IMAGE_TAG: GOOGLE_KEY,
    });
    expect(text).not.toContain(GOOGLE_KEY);
  });

  it("accepts every value of the configured stages (no false alarm)", () => {
    expect(synthBroken((r) => (r.staging.network.azCount = 9)).text).not.toContain("redacted");
  });
});

describe("npm run synth with config mistakes (the real process)", () => {
  it("exits 2 listing every mistake by path and value, writes nothing, prints no stack trace", () => {
    const root = path.resolve(__dirname, "../..");
    const dir = scratchCopy(root, ["config", "constructs", "stacks", "checks", "scripts", "nginx", "main.ts", "package.json", "tsconfig.json", "cdktf.json"]);
    try {
      addStage(dir, { name: "qa", namePrefix: "internal-qa", domain: "staging.faq.example.com", vpcCidr: "10.20.64.0/18" });
      const file = path.join(dir, "config", "stages.ts");
      fs.writeFileSync(
        file,
        fs
          .readFileSync(file, "utf8")
          .replace('nodeType: "cache.m7g.large"', 'nodeType: "cache.m7g.lrage"')
          .replace("budgetAlertThresholdsPercent: [80, 100],", "budgetAlertThresholdsPercent: [80, 80],")
          .replace('geminiModel: "gemini-2.5-flash"', 'geminiModel: "AIzaSyD4f7Qk2Lm9Xw3Rt6Yp1Zs8Nv5Bc0Hj2Ke"'),
      );
      const run = spawnSync(process.execPath, ["scripts/run-ts.js", "main.ts"], { cwd: dir, encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
      expect({ status: run.status, stdout: run.stdout }).toEqual({ status: 2, stdout: "" });
      for (const expected of [
        'qa.namePrefix: "internal-qa" starts with "internal-"',
        'qa.domain.name: "staging.faq.example.com" is already used by stage staging',
        'qa.network.vpcCidr: "10.20.64.0/18" overlaps staging.network.vpcCidr ("10.20.0.0/16")',
        'production.cache.nodeType: "cache.m7g.lrage" is not an ElastiCache node type',
        "budgetAlertThresholdsPercent[1]: 80 is listed twice",
        "web.geminiModel: <redacted: a Google API key, 39 characters>",
      ]) {
        expect(run.stderr).toContain(expected);
      }
      expect(run.stderr).not.toContain("AIzaSyD4f7Qk2");
      expect(run.stderr).not.toMatch(/\n\s+at \S/);
      expect(fs.existsSync(path.join(dir, "cdktf.out"))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60000);
});

describe("application image repository", () => {
  const EU = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/django-faq";
  const US = "123456789012.dkr.ecr.us-east-1.amazonaws.com/django-faq";

  it("fails when APP_IMAGE_REPOSITORY is in another region than a stage that uses it", () => {
    refused((r) => (r.staging.region = "us-east-1"), [
      `APP_IMAGE_REPOSITORY: "${EU}" is in eu-west-1, but stage staging runs in us-east-1: set staging.appImageRepository to a repository in us-east-1 (a replica: docs/CONFIG.md, "Application image")`,
    ], { APP_IMAGE_REPOSITORY: EU });
  });

  it("fails when a stage's own repository is in another region", () => {
    refused((r) => (r.production.appImageRepository = US), [
      `production.appImageRepository: "${US}" is in us-east-1, but stage production runs in eu-west-1: use a repository in eu-west-1`,
    ]);
  });

  it("fails when the repository is not an ECR repository URI, once for every stage", () => {
    const text = refused(() => undefined, ['APP_IMAGE_REPOSITORY: "ghcr.io/example/django-faq" is not an ECR repository URI'], {
      APP_IMAGE_REPOSITORY: "ghcr.io/example/django-faq",
    });
    expect(text.match(/APP_IMAGE_REPOSITORY/g)).toHaveLength(1);
    refused((r) => (r.staging.appImageRepository = `${EU}:v1`), [`staging.appImageRepository: "${EU}:v1" is not an ECR repository URI`]);
  });

  it("gives each stage its own repository: its setting, else APP_IMAGE_REPOSITORY, else a placeholder in its region", () => {
    const stages = validStages((r) => {
      r.production.region = "us-east-1";
      r.production.state.region = "us-east-1";
      r.production.appImageRepository = US;
    }, { APP_IMAGE_REPOSITORY: EU, APP_IMAGE_TAG: "3f9c2ab" });
    expect(stages.filter((s) => ["staging", "production"].includes(s.name)).map((s) => [s.name, s.appImage])).toEqual([
      ["staging", { repository: EU, tag: "3f9c2ab" }],
      ["production", { repository: US, tag: "3f9c2ab" }],
    ]);
    const placeholders = validStages((r) => (r.production.region = "us-east-1"));
    expect(placeholders.find((s) => s.name === "production")!.appImage.repository).toBe("000000000000.dkr.ecr.us-east-1.amazonaws.com/django-faq");
  });
});

it("fails when a stage is not an object, with one line for it", () => {
  expect(synthBroken((r) => (r.staging = "eu-west-1")).text.split("\n").filter((l) => l.startsWith("  - staging"))).toEqual([
    '  - staging: "eu-west-1" must be an object of settings',
  ]);
});

it("fails when a section is not an object, still checking the rest of the stage", () => {
  const text = synthBroken((r) => {
    r.staging.network = "10.20.0.0/16";
    r.staging.cache.nodeType = "cache.t4g.mirco";
  }).text;
  expect(text).toContain('  - staging.network: "10.20.0.0/16" must be an object of settings');
  expect(text).toContain('  - staging.cache.nodeType: "cache.t4g.mirco" is not an ElastiCache node type');
});
