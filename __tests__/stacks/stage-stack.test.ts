import { requireStoredSnapshot } from "../helpers/snapshots";
import { synthStage, STAGE_NAMES, validStages } from "../helpers/stages";

describe.each(STAGE_NAMES)("stage stack %s", (stageName) => {
  const stage = validStages().find((s) => s.name === stageName)!;
  const { json, parsed } = synthStage(stageName);

  it("matches the reviewed snapshot", () => {
    requireStoredSnapshot(`stage ${stageName}`);
    expect(parsed).toMatchSnapshot();
  });

  it("keeps its state in its own S3 key, encrypted and locked", () => {
    expect(parsed.terraform.backend.s3).toEqual({
      bucket: stage.state.bucket,
      key: stage.state.key,
      region: stage.state.region,
      encrypt: true,
      kms_key_id: `alias/${stage.state.bucket}`,
      use_lockfile: true,
    });
    expect(parsed.terraform.required_version).toBe(">= 1.11.0");
  });

  it("tags everything with project, stage and manager through the provider", () => {
    expect(parsed.provider.aws[0].default_tags[0].tags).toEqual({ Project: "django-faq", Stage: stageName, ManagedBy: "cdktf" });
    expect(parsed.provider.aws[0].region).toBe(stage.region);
  });

  it("encrypts every log group with a customer-managed key and sets a retention", () => {
    expect(json).toBeDefined();
    for (const group of Object.values(parsed.resource.aws_cloudwatch_log_group ?? {})) {
      expect(group.kms_key_id).toMatch(/^\$\{aws_kms_key\./);
      expect(group.retention_in_days).toBeGreaterThan(0);
    }
  });

  it("rotates every KMS key", () => {
    for (const key of Object.values(parsed.resource.aws_kms_key)) expect(key.enable_key_rotation).toBe(true);
  });
});

it("uses a different state key for every stage", () => {
  const keys = STAGE_NAMES.map((n) => synthStage(n).parsed.terraform.backend.s3.key);
  expect(new Set(keys).size).toBe(STAGE_NAMES.length);
});
