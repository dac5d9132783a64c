/**
 * The longest name prefix the schema accepts (16 characters) keeps every name
 * derived from it within the length AWS allows for that resource, so a valid prefix
 * never fails at apply. Limits are AWS's documented maximums for each API's name.
 */
import { synthEdited } from "../helpers/stages";

/** [resource type, name attribute, maximum length AWS accepts]. */
const LIMITS: readonly (readonly [string, string, number])[] = [
  ["aws_lb", "name", 32], // CreateLoadBalancer
  ["aws_lb_target_group", "name", 32], // CreateTargetGroup
  ["aws_elasticache_replication_group", "replication_group_id", 40],
  ["aws_elasticache_parameter_group", "name", 255],
  ["aws_elasticache_subnet_group", "name", 255],
  ["aws_db_instance", "identifier", 63],
  ["aws_db_parameter_group", "name", 255],
  ["aws_db_subnet_group", "name", 255],
  ["aws_s3_bucket", "bucket", 63],
  ["aws_iam_role", "name", 64],
  ["aws_iam_policy", "name", 128],
  ["aws_cloudwatch_event_rule", "name", 64],
  ["aws_scheduler_schedule", "name", 64],
  ["aws_cloudwatch_metric_alarm", "alarm_name", 255],
  ["aws_cloudwatch_log_group", "name", 512],
  ["aws_cloudwatch_log_metric_filter", "name", 512],
  ["aws_ecr_repository", "name", 256],
  ["aws_security_group", "name", 255],
  ["aws_kms_alias", "name", 256],
  ["aws_secretsmanager_secret", "name", 512],
  ["aws_sns_topic", "name", 256],
  ["aws_budgets_budget", "name", 100],
  ["aws_wafv2_web_acl", "name", 128],
  ["aws_ecs_cluster", "name", 255],
  ["aws_ecs_service", "name", 255],
  ["aws_ecs_task_definition", "family", 255],
  ["aws_backup_vault", "name", 50],
  ["aws_backup_plan", "name", 50],
  ["aws_service_discovery_private_dns_namespace", "name", 253],
];

/** A name as AWS will see it: an interpolated account ID or region counts at its real length. */
function resolvedLength(name: string): number {
  return name.replace(/\$\{data\.aws_caller_identity\.[^}]+\.account_id\}/g, "123456789012").replace(/\$\{data\.aws_region\.[^}]+\}/g, "ap-southeast-4").length;
}

it("keeps every derived name within AWS's limit with a 16-character name prefix", () => {
  const prefix = "faq-abcdefghijkl";
  expect(prefix).toHaveLength(16);
  const synth = synthEdited("production", (raw) => (raw.production.namePrefix = prefix));
  const checked: string[] = [];
  const tooLong: string[] = [];
  for (const [type, attribute, max] of LIMITS) {
    for (const [id, resource] of Object.entries(synth.resource[type] ?? {})) {
      const name = (resource as Record<string, unknown>)[attribute];
      if (typeof name !== "string" || !name.includes(prefix)) continue;
      checked.push(`${type}.${id}`);
      if (resolvedLength(name) > max) tooLong.push(`${type}.${id}.${attribute} = ${name} (${resolvedLength(name)} > ${max})`);
    }
  }
  expect(tooLong).toEqual([]);
  // The check saw the resources whose limits are tight.
  for (const type of ["aws_lb", "aws_lb_target_group", "aws_elasticache_replication_group", "aws_db_instance", "aws_s3_bucket", "aws_iam_role"]) {
    expect(checked.some((c) => c.startsWith(`${type}.`))).toBe(true);
  }
  expect(checked.length).toBeGreaterThan(40);
});
