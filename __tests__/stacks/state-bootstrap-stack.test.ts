import { Testing } from "cdktf";
import { StateBootstrapStack } from "../../stacks/state-bootstrap-stack";
import { resource, testApp, validStages } from "../helpers/stages";

describe("state bootstrap stack", () => {
  const parsed = JSON.parse(Testing.synth(new StateBootstrapStack(testApp(), "state-bootstrap", { stages: validStages() })));

  it("creates one bucket per distinct state bucket, refusing destruction", () => {
    const buckets = Object.values(parsed.resource.aws_s3_bucket) as any[];
    expect(buckets.map((b) => b.bucket)).toEqual(["django-faq-terraform-state"]);
    expect(buckets[0].lifecycle).toEqual({ prevent_destroy: true });
    expect(buckets[0].force_destroy).toBe(false);
  });

  it("keeps local state for itself", () => {
    expect(parsed.terraform.backend.local.path).toBe("terraform.state-bootstrap.tfstate");
  });

  it("versions, encrypts and blocks public access", () => {
    expect(resource(parsed, "aws_s3_bucket_versioning").versioning_configuration.status).toBe("Enabled");
    expect(resource(parsed, "aws_s3_bucket_server_side_encryption_configuration").rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBeTruthy();
    expect(resource(parsed, "aws_s3_bucket_public_access_block")).toMatchObject({
      block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true,
    });
    expect(resource(parsed, "aws_s3_bucket_ownership_controls").rule.object_ownership).toBe("BucketOwnerEnforced");
  });

  it("denies every request that is not over TLS", () => {
    const policy = JSON.parse(resource(parsed, "aws_s3_bucket_policy").policy);
    expect(policy.Statement).toContainEqual(
      expect.objectContaining({ Effect: "Deny", Principal: "*", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
    );
  });

  it("fails when two stages put the same bucket in different regions", () => {
    const stages = validStages((r) => (r.production.state.region = "us-east-1"));
    expect(() => new StateBootstrapStack(testApp(), "b", { stages })).toThrow(
      'production.state.region: "us-east-1" differs from another stage\'s region "eu-west-1" for the same bucket "django-faq-terraform-state"',
    );
  });
});
