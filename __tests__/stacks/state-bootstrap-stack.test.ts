import { Testing } from "cdktf";
import { StateBootstrapStack } from "../../stacks/state-bootstrap-stack";
import { problemsOf, resource, testApp, validStages } from "../helpers/stages";

describe("state bootstrap stack", () => {
  const parsed = JSON.parse(Testing.synth(new StateBootstrapStack(testApp(), "state-bootstrap", { stages: validStages() })));

  const stateBucket = "django-faq-terraform-state";
  const named = (type: string, fragment: string) => {
    const found = Object.entries(parsed.resource[type] as Record<string, any>).filter(([n]) => n.includes(fragment));
    expect(found).toHaveLength(1);
    return found[0] as [string, any];
  };
  const [bucketName] = named("aws_s3_bucket", "state-django-faq-terraform-state_bucket");
  const [logBucketName] = named("aws_s3_bucket", "access-logs_bucket");

  it("creates one state bucket per distinct state bucket, and its access-log bucket, refusing destruction", () => {
    const buckets = Object.values(parsed.resource.aws_s3_bucket) as any[];
    expect(buckets.map((b) => b.bucket).sort()).toEqual([stateBucket, `${stateBucket}-access-logs`]);
    for (const b of buckets) {
      expect(b.lifecycle).toEqual({ prevent_destroy: true });
      expect(b.force_destroy).toBe(false);
    }
  });

  it("encrypts state with its own KMS key, used only by the stages' plan and deploy roles through S3", () => {
    const [keyName, key] = named("aws_kms_key", "key");
    expect(key).toMatchObject({ enable_key_rotation: true, lifecycle: { prevent_destroy: true } });
    const encryption = Object.values(parsed.resource.aws_s3_bucket_server_side_encryption_configuration as Record<string, any>).find(
      (e) => e.bucket === `\${aws_s3_bucket.${bucketName}.id}`,
    );
    expect(encryption.rule[0].apply_server_side_encryption_by_default).toEqual({ sse_algorithm: "aws:kms", kms_master_key_id: `\${aws_kms_key.${keyName}.arn}` });
    expect(named("aws_kms_alias", "alias")[1].name).toBe(`alias/${stateBucket}`);

    const policy = JSON.parse(key.policy);
    const [admin, use] = policy.Statement;
    expect(policy.Statement).toHaveLength(2);
    // Administrators manage the key but cannot read state with it.
    expect(admin.Principal).toEqual({ AWS: "arn:aws:iam::${data.aws_caller_identity.identity.account_id}:root" });
    for (const crypto of ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncrypt*", "kms:*"]) expect(admin.Action).not.toContain(crypto);
    expect(admin.Action.some((a: string) => /^kms:(Decrypt|Encrypt|GenerateDataKey|ReEncrypt)/.test(a))).toBe(false);
    // Only the configured roles use it, only through S3 in the bucket's region.
    const roles = validStages().flatMap((s) => s.state.accessRoleNames).sort();
    // (Every configured stage's roles: a stage added in config adds its own.)
    expect(roles).toEqual(expect.arrayContaining(["faq-prod-terraform-deploy", "faq-prod-terraform-plan", "faq-stg-terraform-deploy", "faq-stg-terraform-plan"]));
    expect(use.Condition).toEqual({
      ArnEquals: { "aws:PrincipalArn": roles.map((r) => `arn:aws:iam::\${data.aws_caller_identity.identity.account_id}:role/${r}`) },
      StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com", "kms:CallerAccount": "${data.aws_caller_identity.identity.account_id}" },
    });
    expect(use.Action.sort()).toEqual(["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"]);
  });

  it("logs every access to the state bucket into the access-log bucket, which only S3's log delivery for that bucket may write", () => {
    const [, logging] = named("aws_s3_bucket_logging", "logging");
    expect(logging).toMatchObject({ bucket: `\${aws_s3_bucket.${bucketName}.id}`, target_bucket: `\${aws_s3_bucket.${logBucketName}.id}` });
    const logPolicy = JSON.parse(
      (Object.values(parsed.resource.aws_s3_bucket_policy) as any[]).find((p) => p.bucket === `\${aws_s3_bucket.${logBucketName}.id}`).policy,
    );
    expect(logPolicy.Statement).toContainEqual(
      expect.objectContaining({
        Principal: { Service: "logging.s3.amazonaws.com" },
        Action: "s3:PutObject",
        Condition: {
          ArnLike: { "aws:SourceArn": `\${aws_s3_bucket.${bucketName}.arn}` },
          StringEquals: { "aws:SourceAccount": "${data.aws_caller_identity.identity.account_id}" },
        },
      }),
    );
    // Log delivery only writes to SSE-S3 buckets.
    const logEncryption = Object.values(parsed.resource.aws_s3_bucket_server_side_encryption_configuration as Record<string, any>).find(
      (e) => e.bucket === `\${aws_s3_bucket.${logBucketName}.id}`,
    );
    expect(logEncryption.rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe("AES256");
  });

  it("keeps local state for itself", () => {
    expect(parsed.terraform.backend.local.path).toBe("terraform.state-bootstrap.tfstate");
  });

  it("versions, encrypts and blocks public access", () => {
    expect(resource(parsed, "aws_s3_bucket_versioning", "state-django-faq-terraform-state_versioning").versioning_configuration.status).toBe("Enabled");
    expect(resource(parsed, "aws_s3_bucket_public_access_block", "state-django-faq-terraform-state_public")).toMatchObject({
      block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true,
    });
    expect(resource(parsed, "aws_s3_bucket_ownership_controls", "state-django-faq-terraform-state_ownership").rule.object_ownership).toBe("BucketOwnerEnforced");
  });

  it("denies every request that is not over TLS", () => {
    const policy = JSON.parse(resource(parsed, "aws_s3_bucket_policy", "state-django-faq-terraform-state_policy").policy);
    expect(policy.Statement).toContainEqual(
      expect.objectContaining({ Effect: "Deny", Principal: "*", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
    );
  });

  it("fails when a stage names no role for the state key", () => {
    expect(problemsOf((r) => (r.staging.state.accessRoleNames = []))).toContain("staging.state.accessRoleNames: [] must name at least the stage's plan and deploy roles");
    expect(problemsOf((r) => (r.staging.state.accessRoleNames = ["arn:aws:iam::123456789012:role/x"]))[0]).toMatch(
      /^staging\.state\.accessRoleNames\[0\]: "arn:aws:iam::123456789012:role\/x" is not an IAM role name \(not an ARN\)/,
    );
  });

  it("fails when two stages put the same bucket in different regions", () => {
    const stages = validStages((r) => (r.production.state.region = "us-east-1"));
    expect(() => new StateBootstrapStack(testApp(), "b", { stages })).toThrow(
      'production.state.region: "us-east-1" differs from another stage\'s region "eu-west-1" for the same bucket "django-faq-terraform-state"',
    );
  });
});
