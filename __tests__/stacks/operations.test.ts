/**
 * The operational requirements, as each stage synthesizes them: weekly restore
 * tests of the database and the Qdrant file system, the Qdrant restore drill and
 * its alarms, daily and monthly budgets, the application log alarms, the
 * deployment-event rule, the app's rate-limit environment; and the config rules
 * behind them.
 */
import { Testing } from "cdktf";
import { LLM_QUOTA_MARKER, LOG_PATTERNS } from "../../constructs/app-log-alarms";
import { RESTORE_DRILL_GROUP } from "../../constructs/qdrant-restore-drill";
import { COST_ALLOCATION_TAG_KEYS, StateBootstrapStack } from "../../stacks/state-bootstrap-stack";
import { problemsOf, ref, resource, resources, STAGE_NAMES, synthStage, testApp, validStages } from "../helpers/stages";

describe.each(STAGE_NAMES)("operations of %s", (stageName) => {
  const stage = validStages().find((s) => s.name === stageName)!;
  const { parsed } = synthStage(stageName);
  const topic = ref("aws_sns_topic", resources(parsed, "aws_sns_topic")[0][0], "arn");
  const byName = (type: string, key: string, value: string) => {
    const found = resources(parsed, type).find(([, r]) => r[key] === value);
    if (!found) throw new Error(`no ${type} with ${key} = ${value}`);
    return found;
  };

  it("restore-tests the latest weekly recovery point of the database and of the Qdrant file system", () => {
    const [planName, plan] = resources(parsed, "aws_backup_restore_testing_plan")[0];
    expect(plan).toMatchObject({
      name: `${stage.namePrefix.replace(/-/g, "_")}_weekly`,
      schedule_expression: "cron(0 6 ? * TUE *)",
      recovery_point_selection: [{ algorithm: "LATEST_WITHIN_WINDOW", recovery_point_types: ["SNAPSHOT"], selection_window_days: 7 }],
    });
    const vaults = resources(parsed, "aws_backup_vault").map(([name]) => ref("aws_backup_vault", name, "arn"));
    expect([...plan.recovery_point_selection[0].include_vaults].sort()).toEqual(vaults.sort());
    const selections = resources(parsed, "aws_backup_restore_testing_selection").map(([, s]) => s);
    expect(selections.map((s) => s.protected_resource_type).sort()).toEqual(["EFS", "RDS"]);
    for (const s of selections) {
      expect(s.restore_testing_plan_name).toBe(ref("aws_backup_restore_testing_plan", planName, "name"));
      expect(s.validation_window_hours).toBe(2);
    }
    const rds = selections.find((s) => s.protected_resource_type === "RDS")!;
    expect(rds.protected_resource_arns).toEqual([ref("aws_db_instance", resources(parsed, "aws_db_instance")[0][0], "arn")]);
    const efs = selections.find((s) => s.protected_resource_type === "EFS")!;
    expect(efs.protected_resource_arns).toEqual([ref("aws_efs_file_system", resources(parsed, "aws_efs_file_system")[0][0], "arn")]);
  });

  it("backs the database up into its own AWS Backup vault daily, for the database's retention", () => {
    const [, plan] = byName("aws_backup_plan", "name", `${stage.namePrefix}-database-daily`);
    expect(plan.rule[0].lifecycle.delete_after).toBe(stage.database.backupRetentionDays);
    const [, selection] = byName("aws_backup_selection", "name", `${stage.namePrefix}-database`);
    expect(selection.resources).toEqual([ref("aws_db_instance", resources(parsed, "aws_db_instance")[0][0], "arn")]);
  });

  it("publishes failed or aborted restore jobs to the alarm topic", () => {
    const [ruleName, rule] = byName("aws_cloudwatch_event_rule", "name", `${stage.namePrefix}-restore-test-failed`);
    expect(JSON.parse(rule.event_pattern)).toMatchObject({ source: ["aws.backup"], detail: { status: ["FAILED", "ABORTED"] } });
    const target = resources(parsed, "aws_cloudwatch_event_target").find(([, t]) => t.rule === ref("aws_cloudwatch_event_rule", ruleName, "name"));
    expect(target?.[1].arn).toBe(topic);
  });

  it("runs the Qdrant restore drill on its schedule: a scratch Qdrant on ephemeral storage and the drill script", () => {
    const [, schedule] = byName("aws_scheduler_schedule", "name", `${stage.namePrefix}-qdrant-restore-drill`);
    expect(schedule.schedule_expression).toBe(stage.qdrant.restoreDrill.schedule);
    expect(schedule.target.ecs_parameters.group).toBe(RESTORE_DRILL_GROUP);
    const [, task] = byName("aws_ecs_task_definition", "family", `${stage.namePrefix}-qdrant-restore-drill`);
    expect(task.volume).toBeUndefined(); // no EFS: the scratch Qdrant lives on the task's ephemeral storage
    const [qdrant, drill] = JSON.parse(task.container_definitions);
    expect(qdrant).toMatchObject({ name: "qdrant", image: `qdrant/qdrant:${stage.qdrant.version}`, essential: false, user: "1000:1000" });
    expect(qdrant.mountPoints).toBeUndefined();
    expect(drill).toMatchObject({ name: "drill", essential: true, readonlyRootFilesystem: true, dependsOn: [{ containerName: "qdrant", condition: "HEALTHY" }] });
    expect(drill.command[0]).toContain("def drill(env, now=None):");
    const env = Object.fromEntries(drill.environment.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({
      SCRATCH_QDRANT_URL: "http://127.0.0.1:6333",
      QDRANT_COLLECTION: stage.qdrant.collectionName,
      MAX_SNAPSHOT_AGE_HOURS: String(stage.qdrant.restoreDrill.maxSnapshotAgeHours),
      POINT_COUNT_TOLERANCE_PERCENT: String(stage.qdrant.restoreDrill.pointCountTolerancePercent),
    });
    expect(env.LIVE_QDRANT_URL).toMatch(/^http:\/\/qdrant\..+:6333$/);
  });

  it("admits the drill on the live Qdrant's HTTP port", () => {
    const [sgName] = byName("aws_security_group", "name", `${stage.namePrefix}-qdrant-restore-drill`);
    const [qdrantSg] = byName("aws_security_group", "name", `${stage.namePrefix}-qdrant`);
    const ingress = resources(parsed, "aws_vpc_security_group_ingress_rule").map(([, r]) => r);
    expect(ingress).toContainEqual(
      expect.objectContaining({
        security_group_id: ref("aws_security_group", qdrantSg),
        referenced_security_group_id: ref("aws_security_group", sgName),
        from_port: 6333,
      }),
    );
  });

  it("alarms on a failed drill and on a snapshot older than the schedule allows", () => {
    const [, failed] = byName("aws_cloudwatch_metric_alarm", "alarm_name", `${stage.namePrefix}-qdrant-restore-drill-failed`);
    expect(failed).toMatchObject({ metric_name: "RestoreDrillFailures", threshold: 1, alarm_actions: [topic] });
    const [, stale] = byName("aws_cloudwatch_metric_alarm", "alarm_name", `${stage.namePrefix}-qdrant-snapshot-stale`);
    expect(stale).toMatchObject({
      metric_name: "RestoreDrillSnapshotAgeHours",
      statistic: "Maximum",
      threshold: stage.qdrant.restoreDrill.maxSnapshotAgeHours,
      comparison_operator: "GreaterThanThreshold",
      alarm_actions: [topic],
    });
    const patterns = resources(parsed, "aws_cloudwatch_log_metric_filter").map(([, f]) => f.pattern);
    expect(patterns).toContain('{ $.drill = "qdrant-restore" && $.status = "failed" }');
  });

  it("has a daily and a monthly budget on the Stage tag, thresholds from config", () => {
    const tag = [`user:Stage$${stage.name}`];
    const [, daily] = byName("aws_budgets_budget", "name", `${stage.namePrefix}-daily`);
    expect(daily).toMatchObject({ time_unit: "DAILY", limit_amount: stage.operations.dailyBudgetUsd.toFixed(2), cost_filter: [{ name: "TagKeyValue", values: tag }] });
    expect(daily.notification.map((n: any) => n.threshold)).toEqual([...stage.operations.dailyBudgetAlertThresholdsPercent].sort((a, b) => a - b));
    expect(daily.notification[0].subscriber_sns_topic_arns).toEqual([topic]);
    const [, monthly] = byName("aws_budgets_budget", "name", `${stage.namePrefix}-monthly`);
    expect(monthly).toMatchObject({ time_unit: "MONTHLY", limit_amount: stage.operations.monthlyBudgetUsd.toFixed(2) });
  });

  it("alarms on LLM quota errors and unhandled exceptions in the app's log", () => {
    const [djangoLogs] = byName("aws_cloudwatch_log_group", "name", `/${stage.namePrefix}/web/django`);
    const filters = resources(parsed, "aws_cloudwatch_log_metric_filter").map(([, f]) => f);
    for (const [key, metric, threshold] of [
      ["llmQuotaErrors", "LlmQuotaErrors", stage.operations.alarms.llmQuotaErrorsPer5Minutes],
      ["unhandledExceptions", "UnhandledExceptions", stage.operations.alarms.unhandledExceptionsPer5Minutes],
    ] as const) {
      expect(filters).toContainEqual(
        expect.objectContaining({
          log_group_name: ref("aws_cloudwatch_log_group", djangoLogs, "name"),
          pattern: LOG_PATTERNS[key],
          metric_transformation: expect.objectContaining({ name: metric, value: "1" }),
        }),
      );
      const alarm = resources(parsed, "aws_cloudwatch_metric_alarm").find(([, a]) => a.metric_name === metric)![1];
      expect(alarm).toMatchObject({ threshold, period: 300, alarm_actions: [topic], ok_actions: [topic] });
    }
    expect(LOG_PATTERNS.llmQuotaErrors).toContain(LLM_QUOTA_MARKER);
  });

  it("sends failed and rolled-back ECS deployments of the stage's cluster to the alarm topic", () => {
    const [ruleName, rule] = byName("aws_cloudwatch_event_rule", "name", `${stage.namePrefix}-deployment-failed`);
    const pattern = JSON.parse(rule.event_pattern);
    expect(pattern).toMatchObject({
      source: ["aws.ecs"],
      "detail-type": ["ECS Deployment State Change"],
      detail: {
        $or: [
          { eventName: ["SERVICE_DEPLOYMENT_FAILED"] },
          { eventName: ["SERVICE_DEPLOYMENT_IN_PROGRESS"], reason: [{ wildcard: "*rolling back*" }] },
        ],
      },
    });
    expect(pattern.resources[0].prefix).toMatch(/^arn:aws:ecs:eu-west-1:\$\{data\.aws_caller_identity\.[^}]+\.account_id\}:service\/\$\{aws_ecs_cluster\./);
    const target = resources(parsed, "aws_cloudwatch_event_target").find(([, t]) => t.rule === ref("aws_cloudwatch_event_rule", ruleName, "name"));
    expect(target?.[1].arn).toBe(topic);
    // The topic lets EventBridge publish, and its key lets EventBridge encrypt.
    const topicPolicy = JSON.parse(resource(parsed, "aws_sns_topic_policy").policy);
    expect(JSON.stringify(topicPolicy)).toContain("events.amazonaws.com");
    const keys = resources(parsed, "aws_kms_key").filter(([, k]) => String(k.description).startsWith("Alarm topic"));
    expect(JSON.stringify(JSON.parse(keys[0][1].policy))).toContain("events.amazonaws.com");
  });

  it("subscribes someone to the alarm topic", () => {
    expect(resources(parsed, "aws_sns_topic_subscription").map(([, s]) => s)).toContainEqual(
      expect.objectContaining({ protocol: "email", endpoint: stage.operations.alarmEmail }),
    );
  });

  it("gives the app its Redis-backed rate limits as environment", () => {
    const [, task] = byName("aws_ecs_task_definition", "family", `${stage.namePrefix}-web`);
    const django = JSON.parse(task.container_definitions).find((c: any) => c.name === "django");
    const env = Object.fromEntries(django.environment.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({
      RATE_LIMIT_QUERIES_PER_SESSION_PER_MINUTE: String(stage.web.appRateLimits.queriesPerSessionPerMinute),
      RATE_LIMIT_QUERIES_PER_IP_PER_DAY: String(stage.web.appRateLimits.queriesPerIpPerDay),
      RATE_LIMIT_REDIS_KEY_PREFIX: stage.web.appRateLimits.redisKeyPrefix,
    });
  });
});

describe("cost allocation tags", () => {
  it("activates the tags the budgets filter on, once for the account, in the bootstrap stack", () => {
    const parsed = JSON.parse(Testing.synth(new StateBootstrapStack(testApp(), "state-bootstrap", { stages: validStages() })));
    const tags = resources(parsed, "aws_ce_cost_allocation_tag").map(([, t]) => t);
    expect(tags.sort((a, b) => a.tag_key.localeCompare(b.tag_key))).toEqual(
      [...COST_ALLOCATION_TAG_KEYS].sort().map((tag_key) => ({ tag_key, status: "Active" })),
    );
    expect(COST_ALLOCATION_TAG_KEYS).toContain("Stage");
  });
});

describe("operations config", () => {
  it("fails when a stage has no alarm subscriber and says nothing about it", () => {
    expect(problemsOf((raw) => delete raw.staging.operations.alarmEmail)).toEqual([
      expect.stringMatching(/^staging\.operations\.alarmEmail: .*is required: every stage's alarm topic needs a subscriber/),
    ]);
  });

  it("accepts a stage without a subscriber that records who watches instead", () => {
    const [staging] = validStages((raw) => {
      delete raw.staging.operations.alarmEmail;
      raw.staging.operations.noAlarmSubscriberReason = "Staging alarms are read on the team dashboard every morning";
    });
    expect(staging.operations.alarmEmail).toBeUndefined();
  });

  it("fails when both a subscriber and a reason for none are given", () => {
    expect(problemsOf((raw) => (raw.production.operations.noAlarmSubscriberReason = "Nobody needs these, see the runbook page"))).toEqual([
      expect.stringMatching(/^production\.operations\.noAlarmSubscriberReason: .*only applies when operations\.alarmEmail is not given/),
    ]);
  });

  it("fails when the drill allows less snapshot age than the snapshot schedule's interval", () => {
    expect(problemsOf((raw) => (raw.production.qdrant.restoreDrill = { maxSnapshotAgeHours: 20 }))).toEqual([
      expect.stringMatching(/^production\.qdrant\.restoreDrill\.maxSnapshotAgeHours: .*snapshot interval .*every 24 h/),
    ]);
  });

  it("fails when the query rate limit is below what WAF accepts", () => {
    expect(problemsOf((raw) => (raw.staging.edge.wafQueryRateLimit = { limitPer60Seconds: 5 }))).toEqual([
      expect.stringMatching(/^staging\.edge\.wafQueryRateLimit\.limitPer60Seconds: .*must be at least 10/),
    ]);
  });

  it("fails on an allowlist entry that is not a CIDR", () => {
    expect(problemsOf((raw) => (raw.staging.edge.wafRateLimitAllowlistCidrs = ["10.0.0.0/8", "load-test"]))).toEqual([
      'staging.edge.wafRateLimitAllowlistCidrs[1]: "load-test" is not a valid IPv4 CIDR',
    ]);
  });
});
