/**
 * Pins the Terraform addresses of stateful resources. A construct ID change
 * renames the address, and Terraform then destroys the old resource and creates
 * a new, empty one: a database, a bucket or a key lost. If this test fails, do
 * not update the list: restore the ID, or write a `moved` block / `terraform state mv`
 * plan and say so in the pull request.
 *
 * Each tier adds its stateful resources to its own block below.
 */
import { synthStage, STAGE_NAMES } from "../helpers/stages";
import { Testing } from "cdktf";
import { StateBootstrapStack } from "../../stacks/state-bootstrap-stack";
import { testApp, validStages } from "../helpers/stages";

const STATEFUL_ADDRESSES: Record<string, readonly string[]> = {
  // foundation
  foundation: [
    "aws_kms_key.logs-key_44F95A88",
    "aws_kms_key.secrets-key_83928A38",
    "aws_cloudwatch_log_group.network_flow-logs_D7C94307",
    "aws_kms_key.alarms_key_448A2D87",
  ],
  // data tier
  dataTier: [
    "aws_kms_key.database_key_CA7EEF20",
    "aws_db_parameter_group.database_parameter-group_33D396C4",
    "aws_db_instance.database_instance_D7FC2283",
    "aws_cloudwatch_log_group.database_postgresql-logs_86F4EEE6",
    "aws_cloudwatch_log_group.database_upgrade-logs_27C6F22F",
    "aws_kms_key.cache_key_85736327",
    "aws_elasticache_replication_group.cache_replication-group_FA5C54CF",
    "aws_secretsmanager_secret.cache_auth-token-secret_9CFFAD65",
    "aws_secretsmanager_secret.cache_url-secret_9F2448D4",
    // A renamed secret version is re-created from a fresh token that no longer matches the cache's.
    "aws_secretsmanager_secret_version.cache_auth-token-secret-value_407FEB5B",
    "aws_secretsmanager_secret_version.cache_url-secret-value_011230AE",
  ],
  // edge
  edge: [
    "aws_s3_bucket.edge_access-logs_bucket_63BF96C2",
    // Both configured stages issue their certificate (domain.hostedZoneId).
    "aws_acm_certificate.edge_certificate_4B15C2CA",
    "aws_cloudwatch_log_group.waf_log-group_B08BEF30",
  ],
  // qdrant
  qdrant: [
    "aws_efs_file_system.qdrant_storage_file-system_B9EAAA58",
    "aws_efs_access_point.qdrant_storage_access-point_9497699B",
    "aws_kms_key.qdrant_storage_key_79E37CE1",
    "aws_backup_vault.qdrant_backup_vault_423FC99C",
    "aws_kms_key.qdrant_backup_key_BB6BDF2D",
    "aws_s3_bucket.qdrant_snapshots_bucket_2D14ABA9",
    "aws_kms_key.qdrant_snapshots_key_55AA5614",
    "aws_secretsmanager_secret.qdrant_api-key_54F9F446",
    "aws_cloudwatch_log_group.qdrant_logs_58064411",
  ],
  // web service
  web: [
    "aws_secretsmanager_secret.web_secret-key_86D6D04B",
    "aws_secretsmanager_secret.web_gemini-api-key_6622D830",
    "aws_ecr_repository.nginx-image_repository_EE2C5F7F",
    "aws_cloudwatch_log_group.web_django-logs_741E36BB",
    "aws_cloudwatch_log_group.web_nginx-logs_7150583C",
    "aws_cloudwatch_log_group.web_static-files-logs_0E097CBD",
    "aws_cloudwatch_log_group.web_migrate-logs_8CDB7CF1",
    "aws_kms_key.web_media-key_37384FF4",
    "aws_s3_bucket.web_media_bucket_6A56ADB1",
  ],
};

describe.each(STAGE_NAMES)("stateful addresses of %s", (stageName) => {
  const { parsed } = synthStage(stageName);
  const addresses = new Set(Object.entries(parsed.resource).flatMap(([type, byName]) => Object.keys(byName).map((n) => `${type}.${n}`)));

  it.each(Object.entries(STATEFUL_ADDRESSES))("keeps the %s addresses", (_tier, pinned) => {
    expect(pinned.filter((a) => !addresses.has(a))).toEqual([]);
  });
});

it("keeps the addresses of the state bucket, its access-log bucket and its key", () => {
  const stack = new StateBootstrapStack(testApp(), "state-bootstrap", { stages: validStages() });
  const parsed = JSON.parse(Testing.synth(stack));
  expect(Object.keys(parsed.resource.aws_s3_bucket).sort()).toEqual([
    "state-django-faq-terraform-state-access-logs_bucket_70714816",
    "state-django-faq-terraform-state_bucket_32ABAA54",
  ]);
  expect(Object.keys(parsed.resource.aws_kms_key)).toEqual(["state-django-faq-terraform-state-key_889586AA"]);
});
