/** DFP-DATA-1 to DFP-DATA-5: every data store encrypted. */
import { bucketEncrypted } from "../../checks/rules/bucket-encrypted";
import { cacheEncrypted } from "../../checks/rules/cache-encrypted";
import { databaseEncrypted } from "../../checks/rules/database-encrypted";
import { fileSystemEncrypted } from "../../checks/rules/file-system-encrypted";
import { secretCustomerKey } from "../../checks/rules/secret-customer-key";
import { details, outcome, res } from "./fixtures";

describe("DFP-DATA-1 database-encrypted", () => {
  it("passes storage_encrypted = true, and a read replica inheriting its source's encryption", () => {
    expect(outcome(databaseEncrypted, res("aws_db_instance", { storage_encrypted: true, kms_key_id: "${aws_kms_key.db.arn}" }))).toBe("compliant");
    expect(outcome(databaseEncrypted, res("aws_db_instance", { replicate_source_db: "${aws_db_instance.main.identifier}" }))).toBe("compliant");
  });

  it("fails when storage_encrypted is unset or false", () => {
    expect(details(outcome(databaseEncrypted, res("aws_db_instance", { engine: "postgres" })))).toEqual(["storage_encrypted is unset"]);
    expect(details(outcome(databaseEncrypted, res("aws_rds_cluster", { storage_encrypted: false })))).toEqual(["storage_encrypted is false"]);
  });
});

describe("DFP-DATA-2 cache-encrypted", () => {
  it("passes at-rest and in-transit encryption (string or boolean)", () => {
    const group = res("aws_elasticache_replication_group", { at_rest_encryption_enabled: "true", transit_encryption_enabled: true });
    expect(outcome(cacheEncrypted, group)).toBe("compliant");
  });

  it("fails when transit or at-rest encryption is off, naming each", () => {
    const group = res("aws_elasticache_replication_group", { at_rest_encryption_enabled: "false" });
    expect(details(outcome(cacheEncrypted, group))).toEqual(['at_rest_encryption_enabled is "false"', "transit_encryption_enabled is unset"]);
  });

  it("does not apply to other types", () => {
    expect(outcome(cacheEncrypted, res("aws_elasticache_parameter_group", {}))).toBe("not-applicable");
  });
});

describe("DFP-DATA-3 file-system-encrypted", () => {
  it("passes encrypted = true", () => {
    expect(outcome(fileSystemEncrypted, res("aws_efs_file_system", { encrypted: true }))).toBe("compliant");
  });

  it("fails when encrypted is unset", () => {
    expect(details(outcome(fileSystemEncrypted, res("aws_efs_file_system", { performance_mode: "generalPurpose" })))).toEqual(["encrypted is unset"]);
  });
});

describe("DFP-DATA-4 bucket-encrypted (needs the whole stack)", () => {
  const bucket = res("aws_s3_bucket", { bucket: "faq-prod-snapshots" }, { name: "snapshots_bucket_1" });
  const sse = (target: string, rule: unknown = { apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms" } }) =>
    res("aws_s3_bucket_server_side_encryption_configuration", { bucket: target, rule }, { name: "snapshots_encryption_1" });

  it("passes a bucket with an encryption configuration pointing at its id, its name attribute, or its literal name", () => {
    expect(outcome(bucketEncrypted, bucket, sse("${aws_s3_bucket.snapshots_bucket_1.id}"))).toBe("compliant");
    expect(outcome(bucketEncrypted, bucket, sse("${aws_s3_bucket.snapshots_bucket_1.bucket}", [{ apply_server_side_encryption_by_default: [{ sse_algorithm: "AES256" }] }]))).toBe("compliant");
    expect(outcome(bucketEncrypted, bucket, sse("faq-prod-snapshots"))).toBe("compliant");
  });

  it("passes the deprecated inline configuration", () => {
    const inline = res("aws_s3_bucket", { server_side_encryption_configuration: { rule: {} } });
    expect(outcome(bucketEncrypted, inline)).toBe("compliant");
  });

  it("fails when no configuration points at the bucket", () => {
    expect(details(outcome(bucketEncrypted, bucket))).toEqual([
      "no aws_s3_bucket_server_side_encryption_configuration with a default rule points at this bucket",
    ]);
  });

  it("fails when the only configuration is for another bucket or has no default rule", () => {
    expect(details(outcome(bucketEncrypted, bucket, sse("${aws_s3_bucket.other_bucket_1.id}")))).toHaveLength(1);
    expect(details(outcome(bucketEncrypted, bucket, sse("${aws_s3_bucket.snapshots_bucket_1.id}", { bucket_key_enabled: true })))).toHaveLength(1);
  });
});

describe("DFP-DATA-5 secret-customer-key", () => {
  it("passes a secret with kms_key_id", () => {
    expect(outcome(secretCustomerKey, res("aws_secretsmanager_secret", { kms_key_id: "${aws_kms_key.secrets-key_1.arn}" }))).toBe("compliant");
  });

  it("fails when kms_key_id is unset", () => {
    expect(details(outcome(secretCustomerKey, res("aws_secretsmanager_secret", { name: "x" })))[0]).toMatch(/kms_key_id is unset/);
  });
});
