import { loadStages } from "../../config/load";
import { compareVersions, MIN_QDRANT_VERSION } from "../../config/qdrant-version";
import { problemsOf, rawStages, STAGE_NAMES } from "../helpers/stages";

describe.each(STAGE_NAMES)("qdrant config of %s", (stageName) => {
  it("loads, with a pinned version new enough for S3 snapshots with the task role", () => {
    const stage = loadStages(rawStages()).find((s) => s.name === stageName)!;
    expect(stage.qdrant.version).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(compareVersions(stage.qdrant.version, MIN_QDRANT_VERSION)).toBeGreaterThanOrEqual(0);
  });

  it("fails when the version is not vX.Y.Z", () => {
    for (const bad of ["latest", "1.16.3", "v1.16", "v1.16.3-rc1"]) {
      expect(problemsOf((r) => (r[stageName].qdrant.version = bad))).toEqual([
        `${stageName}.qdrant.version: "${bad}" is not a pinned Qdrant version such as "v1.16.3"`,
      ]);
    }
  });

  it("fails when the version is older than the first with S3 snapshots through the task role", () => {
    expect(problemsOf((r) => (r[stageName].qdrant.version = "v1.14.1"))).toEqual([
      `${stageName}.qdrant.version: "v1.14.1" is older than v1.15.0, the first Qdrant that writes snapshots to S3 with the task role's credentials`,
    ]);
  });

  it("fails when cpu is not a Fargate size", () => {
    expect(problemsOf((r) => (r[stageName].qdrant.cpu = 768))).toEqual([
      `${stageName}.qdrant.cpu: 768 is not a Fargate CPU size (256, 512, 1024, 2048, 4096, 8192 or 16384 units)`,
    ]);
  });

  it("fails when memoryMiB is not a Fargate combination with cpu", () => {
    expect(
      problemsOf((r) => {
        r[stageName].qdrant.cpu = 1024;
        r[stageName].qdrant.memoryMiB = 1024;
      }),
    ).toEqual([
      `${stageName}.qdrant.memoryMiB: 1024 is not a Fargate size with 1024 CPU units (1 vCPU): memory must be 2048 to 8192 in steps of 1024 MiB`,
    ]);
  });

  it("fails when the collection name has other characters", () => {
    expect(problemsOf((r) => (r[stageName].qdrant.collectionName = "faq docs"))).toEqual([
      `${stageName}.qdrant.collectionName: "faq docs" is not a collection name of letters, digits, _ and -`,
    ]);
  });

  it("fails when the EFS throughput mode is not elastic or bursting", () => {
    expect(problemsOf((r) => (r[stageName].qdrant.efsThroughputMode = "provisioned"))).toEqual([
      `${stageName}.qdrant.efsThroughputMode: "provisioned" must be "elastic" or "bursting"`,
    ]);
  });

  it("fails when a retention is below one day", () => {
    expect(problemsOf((r) => (r[stageName].qdrant.backupRetentionDays = 0))).toEqual([
      `${stageName}.qdrant.backupRetentionDays: 0 must be at least 1`,
    ]);
    expect(problemsOf((r) => (r[stageName].qdrant.snapshotRetentionDays = 0))).toEqual([
      `${stageName}.qdrant.snapshotRetentionDays: 0 must be at least 1`,
    ]);
  });

  it("fails when the snapshot schedule is not a valid cron or rate expression", () => {
    for (const bad of ["cron(0 2 * * *)", "cron(0 2 * * 1 *)", "cron(0 25 * * ? *)", "rate(1 days)", "rate(0 hours)", "daily"]) {
      expect(problemsOf((r) => (r[stageName].qdrant.snapshotSchedule = bad))).toEqual([
        `${stageName}.qdrant.snapshotSchedule: "${bad}" is not a valid cron(...) or rate(...) expression such as "cron(0 2 * * ? *)"`,
      ]);
    }
  });

  it("accepts valid schedule expressions", () => {
    for (const good of ["cron(30 2 * * ? *)", "cron(0 */6 ? * MON-FRI *)", "rate(1 day)", "rate(12 hours)"]) {
      const stage = loadStages({ ...rawStages(), [stageName]: { ...rawStages()[stageName], qdrant: { ...rawStages()[stageName].qdrant, snapshotSchedule: good } } });
      expect(stage.find((s) => s.name === stageName)!.qdrant.snapshotSchedule).toBe(good);
    }
  });

  // One writer on NFS: a second task on the same EFS storage corrupts or locks it (qdrant/qdrant#4145).
  it("fails when the config tries to run more than one Qdrant task", () => {
    expect(problemsOf((r) => (r[stageName].qdrant.desiredCount = 2))).toEqual([
      `${stageName}.qdrant.desiredCount: 2 is not a known setting (check the spelling against docs/CONFIG.md)`,
    ]);
  });

  it("fails when the config tries to keep the old task running during a deployment", () => {
    expect(problemsOf((r) => (r[stageName].qdrant.minimumHealthyPercent = 100))).toEqual([
      `${stageName}.qdrant.minimumHealthyPercent: 100 is not a known setting (check the spelling against docs/CONFIG.md)`,
    ]);
    expect(problemsOf((r) => (r[stageName].qdrant.maximumPercent = 200))).toEqual([
      `${stageName}.qdrant.maximumPercent: 200 is not a known setting (check the spelling against docs/CONFIG.md)`,
    ]);
  });
});

describe("compareVersions", () => {
  it("orders vX.Y.Z numerically", () => {
    expect(compareVersions("v1.15.0", "v1.15.0")).toBe(0);
    expect(compareVersions("v1.9.9", "v1.15.0")).toBeLessThan(0);
    expect(compareVersions("v1.16.3", "v1.15.0")).toBeGreaterThan(0);
    expect(compareVersions("v2.0.0", "v1.99.99")).toBeGreaterThan(0);
  });
});
