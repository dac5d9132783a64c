/**
 * Bad props of the operations constructs (restore testing, the Qdrant restore drill,
 * the app log alarms, the daily budget, the WAF query rule) fail at synth, naming
 * the prop and the value.
 */
import { Testing, TerraformStack } from "cdktf";
import { AppLogAlarms } from "../../constructs/app-log-alarms";
import { CostBudget } from "../../constructs/cost-budget";
import { QdrantRestoreDrill, type QdrantRestoreDrillProps } from "../../constructs/qdrant-restore-drill";
import { RestoreTesting, type RestoreTestingProps } from "../../constructs/restore-testing";
import { WebApplicationFirewall } from "../../constructs/web-application-firewall";
import { testApp } from "../helpers/stages";

const stack = () => new TerraformStack(testApp(), "s");

const restoreTesting: RestoreTestingProps = {
  namePrefix: "faq-test",
  vaultArns: ["arn:aws:backup:eu-west-1:111122223333:backup-vault:faq-test-database"],
  resources: [{ name: "database", type: "RDS", arn: "arn:aws:rds:eu-west-1:111122223333:db:faq-test" }],
  alarmTopicArn: "arn:aws:sns:eu-west-1:111122223333:faq-test-alarms",
};

const drill: QdrantRestoreDrillProps = {
  namePrefix: "faq-test",
  accountId: "111122223333",
  region: "eu-west-1",
  vpcId: "vpc-1",
  subnetIds: ["subnet-1"],
  clusterArn: "arn:aws:ecs:eu-west-1:111122223333:cluster/faq-test-cluster",
  qdrantImage: "qdrant/qdrant:v1.16.3",
  qdrantHost: "qdrant.faq-test.internal",
  qdrantSecurityGroupId: "sg-1",
  apiKeySecretArn: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:k",
  secretsKmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/1",
  collectionName: "faq",
  cpu: 512,
  memoryMiB: 1024,
  schedule: "cron(0 5 ? * MON *)",
  maxSnapshotAgeHours: 26,
  pointCountTolerancePercent: 0,
  scheduleKmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/2",
  logRetentionDays: 30,
  logsKmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/3",
  alarmTopicArn: "arn:aws:sns:eu-west-1:111122223333:faq-test-alarms",
};

describe("RestoreTesting", () => {
  it("fails when a selection name has characters AWS Backup refuses", () => {
    expect(() => new RestoreTesting(stack(), "rt", { ...restoreTesting, resources: [{ ...restoreTesting.resources[0], name: "qdrant-efs" }] })).toThrow(
      'RestoreTesting rt: resources[].name must be 1-50 letters, digits or underscores, got "qdrant-efs"',
    );
  });

  it("fails when the validation window is beyond AWS Backup's 168 hours", () => {
    expect(() => new RestoreTesting(stack(), "rt", { ...restoreTesting, validationWindowHours: 200 })).toThrow(
      "RestoreTesting rt: validationWindowHours must be a whole number from 0 to 168, got 200",
    );
  });

  it("fails when nothing is selected", () => {
    expect(() => new RestoreTesting(stack(), "rt", { ...restoreTesting, resources: [] })).toThrow("resources must list at least one resource, got none");
  });
});

describe("QdrantRestoreDrill", () => {
  it("fails when an image is not pinned", () => {
    expect(() => new QdrantRestoreDrill(stack(), "d", { ...drill, drillImage: "python:latest" })).toThrow(
      'QdrantRestoreDrill d: images must be pinned to a version or digest, got "python:latest"',
    );
    expect(() => new QdrantRestoreDrill(stack(), "d", { ...drill, qdrantImage: "qdrant/qdrant" })).toThrow('got "qdrant/qdrant"');
  });

  it("fails when the tolerance is outside 0-100 or the ephemeral storage outside Fargate's 21-200 GiB", () => {
    expect(() => new QdrantRestoreDrill(stack(), "d", { ...drill, pointCountTolerancePercent: 101 })).toThrow(
      "QdrantRestoreDrill d: pointCountTolerancePercent must be from 0 to 100, got 101",
    );
    expect(() => new QdrantRestoreDrill(stack(), "d", { ...drill, ephemeralStorageGiB: 20 })).toThrow(
      "QdrantRestoreDrill d: ephemeralStorageGiB must be a whole number from 21 to 200, got 20",
    );
  });
});

describe("AppLogAlarms", () => {
  it("fails when a threshold is negative", () => {
    expect(
      () =>
        new AppLogAlarms(stack(), "a", {
          namePrefix: "faq-test",
          logGroupName: "/faq-test/web/django",
          alarmTopicArn: "arn:aws:sns:eu-west-1:111122223333:t",
          llmQuotaErrorsPer5Minutes: -1,
          unhandledExceptionsPer5Minutes: 5,
        }),
    ).toThrow("AppLogAlarms a: llmQuotaErrorsPer5Minutes must be a whole number >= 0, got -1");
  });
});

describe("CostBudget", () => {
  it("makes a daily budget when asked, monthly otherwise", () => {
    const s = stack();
    new CostBudget(s, "d", { budgetName: "d", timeUnit: "DAILY", limitUsd: 10, thresholdsPercent: [100], topicArn: "t" });
    new CostBudget(s, "m", { budgetName: "m", limitUsd: 300, thresholdsPercent: [100], topicArn: "t" });
    const budgets = Object.values(JSON.parse(Testing.synth(s)).resource.aws_budgets_budget) as any[];
    expect(Object.fromEntries(budgets.map((b) => [b.name, b.time_unit]))).toEqual({ d: "DAILY", m: "MONTHLY" });
  });
});

describe("WebApplicationFirewall query rule", () => {
  const base = {
    namePrefix: "faq-test",
    accountId: "111122223333",
    region: "eu-west-1",
    resourceArn: "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/x/1",
    rateLimitPer5Minutes: 300,
    logRetentionDays: 30,
    logsKmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/3",
  };

  it("fails when the query limit is below WAF's minimum of 10", () => {
    expect(() => new WebApplicationFirewall(stack(), "w", { ...base, queryRateLimit: { pathPrefix: "/api/query/", limitPer60Seconds: 9 } })).toThrow(
      "WebApplicationFirewall w: queryRateLimit.limitPer60Seconds must be a whole number from 10 to 2000000000, got 9",
    );
  });

  it("fails when the query path is not absolute", () => {
    expect(() => new WebApplicationFirewall(stack(), "w", { ...base, queryRateLimit: { pathPrefix: "api/query", limitPer60Seconds: 60 } })).toThrow(
      'WebApplicationFirewall w: queryRateLimit.pathPrefix must be an absolute URL path, got "api/query"',
    );
  });
});
