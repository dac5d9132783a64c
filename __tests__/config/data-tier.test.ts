/**
 * Every validation rule of the data tier (`database.*`, `cache.*`): one
 * `fails when ...` case per rule, each checking the "path: value predicate" line.
 */
import { loadStages } from "../../config/load";
import { dailyOverlapsWeekly, windowMinutes } from "../../config/windows";
import { problemsOf, rawStages, STAGE_NAMES } from "../helpers/stages";

type Case = [name: string, edit: (raw: Record<string, any>) => void, line: string];

const databaseCases: Case[] = [
  ["the engine version is not PostgreSQL 15", (r) => (r.staging.database.engineVersion = "16.4"),
    'staging.database.engineVersion: "16.4" is not the PostgreSQL major version "15" (minor versions are applied automatically)'],
  ["the instance class does not look like db.*", (r) => (r.staging.database.instanceClass = "t4g.small"),
    'staging.database.instanceClass: "t4g.small" is not an RDS instance class such as "db.t4g.medium"'],
  ["the storage is below 20 GiB", (r) => (r.staging.database.allocatedStorageGiB = 10),
    "staging.database.allocatedStorageGiB: 10 must be at least 20"],
  ["the autoscaling ceiling is below 20 GiB", (r) => (r.staging.database.maxAllocatedStorageGiB = 19),
    "staging.database.maxAllocatedStorageGiB: 19 must be at least 20"],
  ["the storage is above the autoscaling ceiling", (r) => (r.staging.database.allocatedStorageGiB = 60),
    "staging.database.allocatedStorageGiB: 60 must not exceed database.maxAllocatedStorageGiB (50)"],
  ["the backup retention is above 35 days", (r) => (r.staging.database.backupRetentionDays = 36),
    "staging.database.backupRetentionDays: 36 must be at most 35"],
  ["the backup retention is negative", (r) => (r.staging.database.backupRetentionDays = -1),
    "staging.database.backupRetentionDays: -1 must be at least 0"],
  ["Multi-AZ is not a boolean", (r) => (r.staging.database.multiAz = "yes"),
    'staging.database.multiAz: "yes" must be true or false'],
  ["the monitoring interval is not one RDS offers", (r) => (r.staging.database.monitoringIntervalSeconds = 20),
    "staging.database.monitoringIntervalSeconds: 20 must be one of 0, 1, 5, 10, 15, 30, 60"],
  ["the slow statement threshold is negative", (r) => (r.staging.database.slowStatementThresholdMs = -1),
    "staging.database.slowStatementThresholdMs: -1 must be at least 0"],
  ["the maintenance window is malformed", (r) => (r.staging.database.maintenanceWindow = "sunday 03:00"),
    'staging.database.maintenanceWindow: "sunday 03:00" is not a weekly window such as "sun:03:00-sun:04:00"'],
  ["the backup window is malformed", (r) => (r.staging.database.backupWindow = "1:00-1:30"),
    'staging.database.backupWindow: "1:00-1:30" is not a daily window such as "01:00-01:30"'],
  ["the backup window is shorter than 30 minutes", (r) => (r.staging.database.backupWindow = "01:00-01:20"),
    'staging.database.backupWindow: "01:00-01:20" must be at least 30 minutes long (it is 20)'],
  ["the maintenance window is shorter than 30 minutes", (r) => (r.staging.database.maintenanceWindow = "sun:03:00-sun:03:15"),
    'staging.database.maintenanceWindow: "sun:03:00-sun:03:15" must be at least 30 minutes long (it is 15)'],
  ["the backup window overlaps the maintenance window", (r) => (r.staging.database.backupWindow = "03:30-04:30"),
    'staging.database.backupWindow: "03:30-04:30" must not overlap database.maintenanceWindow ("sun:03:00-sun:04:00")'],
  ["a final snapshot is asked for with automated backups off", (r) => {
    r.staging.database.finalSnapshot = true;
    r.staging.database.backupRetentionDays = 0;
  }, "staging.database.backupRetentionDays: 0 must be at least 1 when database.finalSnapshot is true (0 turns automated backups off)"],
  ["the database name is not an SQL identifier", (r) => (r.staging.database.databaseName = "faq-db"),
    'staging.database.databaseName: "faq-db" is not a lower-case SQL identifier'],
  ["the master user name is not an SQL identifier", (r) => (r.staging.database.masterUsername = "Admin"),
    'staging.database.masterUsername: "Admin" is not a lower-case SQL identifier'],
  ["the master password rotation is 0 days", (r) => (r.staging.database.masterPasswordRotationDays = 0),
    "staging.database.masterPasswordRotationDays: 0 must be at least 1"],
  ["the master password rotation is longer than a year", (r) => (r.staging.database.masterPasswordRotationDays = 400),
    "staging.database.masterPasswordRotationDays: 400 must be at most 365"],
  ["the max_connections override is below 10", (r) => (r.staging.database.maxConnections = 5),
    "staging.database.maxConnections: 5 must be at least 10"],
  ["the instance class is unknown and max_connections is not given", (r) => (r.staging.database.instanceClass = "db.x2g.large"),
    'staging.database.instanceClass: "db.x2g.large" is not in the built-in memory table used to derive max_connections: set database.maxConnections to the instance\'s max_connections'],
  ["a production database is single-AZ", (r) => (r.production.database.multiAz = false),
    "production.database.multiAz: false must be true in a production stage"],
  ["a production database has no deletion protection", (r) => (r.production.database.deletionProtection = false),
    "production.database.deletionProtection: false must be true in a production stage"],
  ["a production database skips the final snapshot", (r) => (r.production.database.finalSnapshot = false),
    "production.database.finalSnapshot: false must be true in a production stage"],
  ["a production database keeps backups less than 7 days", (r) => (r.production.database.backupRetentionDays = 3),
    "production.database.backupRetentionDays: 3 must be at least 7 in a production stage"],
  ["a database setting is unknown", (r) => (r.staging.database.password = "hunter2"),
    'staging.database.password: "hunter2" is not a known setting (check the spelling against docs/CONFIG.md)'],
];

const cacheCases: Case[] = [
  ["the engine is neither redis nor valkey", (r) => (r.staging.cache.engine = "memcached"),
    'staging.cache.engine: "memcached" must be "redis" or "valkey"'],
  ["the engine version is malformed", (r) => (r.staging.cache.engineVersion = "7"),
    'staging.cache.engineVersion: "7" is not an engine version such as "7.1"'],
  ["the Redis version is older than 6", (r) => {
    r.staging.cache.engineVersion = "5.0";
    r.staging.cache.parameterGroupFamily = "redis5.0";
  }, 'staging.cache.engineVersion: "5.0" must be 6.0 or later for cache.engine "redis"'],
  ["the parameter group family is malformed", (r) => (r.staging.cache.parameterGroupFamily = "default.redis7"),
    'staging.cache.parameterGroupFamily: "default.redis7" is not a parameter group family such as "redis7"'],
  ["the parameter group family belongs to the other engine", (r) => (r.staging.cache.parameterGroupFamily = "valkey7"),
    'staging.cache.parameterGroupFamily: "valkey7" does not belong to cache.engine "redis"'],
  ["the parameter group family does not match the engine version", (r) => (r.staging.cache.engineVersion = "6.2"),
    'staging.cache.parameterGroupFamily: "redis7" does not match cache.engineVersion "6.2" (expected "redis6.x")'],
  ["the node type does not look like cache.*", (r) => (r.staging.cache.nodeType = "db.t4g.micro"),
    'staging.cache.nodeType: "db.t4g.micro" is not an ElastiCache node type such as "cache.t4g.small"'],
  ["there are more than 5 replicas", (r) => (r.staging.cache.replicas = 6),
    "staging.cache.replicas: 6 must be at most 5"],
  ["the replica count is negative", (r) => (r.staging.cache.replicas = -1),
    "staging.cache.replicas: -1 must be at least 0"],
  ["automatic failover has no replica to promote", (r) => (r.staging.cache.automaticFailover = true),
    "staging.cache.automaticFailover: true requires cache.replicas of at least 1 (it has 0)"],
  ["Multi-AZ is on without automatic failover", (r) => {
    r.staging.cache.replicas = 1;
    r.staging.cache.multiAz = true;
  }, "staging.cache.multiAz: true requires cache.automaticFailover to be true"],
  ["the snapshot retention is above 35 days", (r) => (r.staging.cache.snapshotRetentionDays = 40),
    "staging.cache.snapshotRetentionDays: 40 must be at most 35"],
  ["the maintenance window is malformed", (r) => (r.staging.cache.maintenanceWindow = "sun:5-sun:6"),
    'staging.cache.maintenanceWindow: "sun:5-sun:6" is not a weekly window such as "sun:05:00-sun:06:00"'],
  ["the snapshot window is malformed", (r) => (r.staging.cache.snapshotWindow = "2-3"),
    'staging.cache.snapshotWindow: "2-3" is not a daily window such as "03:00-04:00"'],
  ["the maintenance window is shorter than 60 minutes", (r) => (r.staging.cache.maintenanceWindow = "sun:05:00-sun:05:30"),
    'staging.cache.maintenanceWindow: "sun:05:00-sun:05:30" must be at least 60 minutes long (it is 30)'],
  ["the snapshot window is shorter than 60 minutes", (r) => (r.staging.cache.snapshotWindow = "02:00-02:45"),
    'staging.cache.snapshotWindow: "02:00-02:45" must be at least 60 minutes long (it is 45)'],
  ["a production cache has no replica", (r) => {
    r.production.cache.replicas = 0;
    r.production.cache.automaticFailover = false;
    r.production.cache.multiAz = false;
  }, "production.cache.replicas: 0 must be at least 1 in a production stage"],
  ["a production cache has no automatic failover", (r) => {
    r.production.cache.automaticFailover = false;
    r.production.cache.multiAz = false;
  }, "production.cache.automaticFailover: false must be true in a production stage"],
  ["a production cache is single-AZ", (r) => (r.production.cache.multiAz = false),
    "production.cache.multiAz: false must be true in a production stage"],
];

describe("data tier configuration", () => {
  it.each(STAGE_NAMES)("accepts the configured %s stage", (name) => {
    expect(loadStages(rawStages()).find((s) => s.name === name)).toBeDefined();
  });

  describe("database", () => {
    it.each(databaseCases)("fails when %s", (_name, edit, line) => {
      expect(problemsOf(edit)).toContain(line);
    });
  });

  describe("cache", () => {
    it.each(cacheCases)("fails when %s", (_name, edit, line) => {
      expect(problemsOf(edit)).toContain(line);
    });
  });

  it("accepts Valkey with its own family and Redis 6 with redis6.x", () => {
    expect(() => loadStages({ staging: { ...rawStages().staging, cache: { ...rawStages().staging.cache, engine: "valkey", engineVersion: "8.0", parameterGroupFamily: "valkey8" } } })).not.toThrow();
    expect(() => loadStages({ staging: { ...rawStages().staging, cache: { ...rawStages().staging.cache, engineVersion: "6.2", parameterGroupFamily: "redis6.x" } } })).not.toThrow();
  });
});

describe("window arithmetic", () => {
  it("measures windows, including ones that wrap past midnight or Sunday", () => {
    expect(windowMinutes("01:00-01:30", "daily")).toBe(30);
    expect(windowMinutes("23:30-00:30", "daily")).toBe(60);
    expect(windowMinutes("sun:23:30-mon:00:30", "weekly")).toBe(60);
    expect(windowMinutes("mon:03:00-mon:04:00", "weekly")).toBe(60);
    expect(windowMinutes("sunday 03:00", "weekly")).toBeUndefined();
  });

  it("finds overlaps between a daily and a weekly window on any day", () => {
    expect(dailyOverlapsWeekly("01:00-01:30", "sun:03:00-sun:04:00")).toBe(false);
    expect(dailyOverlapsWeekly("03:59-04:30", "sun:03:00-sun:04:00")).toBe(true);
    expect(dailyOverlapsWeekly("04:00-04:30", "sun:03:00-sun:04:00")).toBe(false);
    expect(dailyOverlapsWeekly("23:45-00:15", "mon:00:00-mon:00:30")).toBe(true);
    expect(dailyOverlapsWeekly("00:10-00:40", "sun:23:50-mon:00:20")).toBe(true);
  });
});
