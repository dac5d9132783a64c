import { capacityPlan, rollbackEstimate, ROLLBACK_TARGET_SECONDS } from "../../config/capacity";
import { gunicornWorkersFor, postgresMaxConnections } from "../../config/sizing";
import { DEPLOYMENT_ALARM_KEYS, DEPLOYMENT_ALARM_TIMING } from "../../constructs/service-alarms";
import { problemsOf, STAGE_NAMES, validStages } from "../helpers/stages";

describe.each(STAGE_NAMES)("web config of %s", (stageName) => {
  const stage = validStages().find((s) => s.name === stageName)!;

  it("fits the autoscaling ceiling, doubled for a rolling deploy, in the database's connection limit", () => {
    const workers = stage.web.gunicornWorkers ?? gunicornWorkersFor(stage.web.cpu);
    const limit = postgresMaxConnections(stage.database.instanceClass, stage.database.maxConnections)!;
    expect(stage.web.maxTasks * workers * stage.web.gunicornThreads * 2).toBeLessThanOrEqual(limit.usable);
  });

  it("carries its target load with the configured ceiling, on gthread workers", () => {
    const plan = capacityPlan(stage.web);
    expect(stage.web.gunicornWorkerClass).toBe("gthread");
    expect(plan.maxSlots).toBeGreaterThanOrEqual(Math.ceil(stage.web.load.concurrentUsers * 1.5));
    expect(plan.tasksNeeded).toBeLessThanOrEqual(stage.web.maxTasks);
  });

  it("rolls a bad deploy back within 5 minutes and scales out before the p95 alarm", () => {
    const rollback = rollbackEstimate(stage.web, Object.fromEntries(DEPLOYMENT_ALARM_KEYS.map((k) => [k, DEPLOYMENT_ALARM_TIMING])));
    expect(rollback.seconds).toBeLessThanOrEqual(ROLLBACK_TARGET_SECONDS);
    expect(stage.web.latencyScaleOutP95Seconds).toBeLessThan(stage.operations.alarms.targetResponseTimeP95Seconds);
  });

  it("lets in-flight requests finish: Gunicorn timeout <= deregistration delay, < ALB idle timeout; graceful stop below stopTimeout", () => {
    expect(stage.web.gunicornTimeoutSeconds).toBeLessThanOrEqual(stage.web.deregistrationDelaySeconds);
    expect(stage.web.gunicornTimeoutSeconds).toBeLessThan(stage.edge.idleTimeoutSeconds);
  });

  it("fills the web defaults", () => {
    expect(stage.web).toMatchObject({
      wsgiApplication: "config.wsgi:application",
      containerUser: "1000:1000",
      staticRoot: "/srv/static",
      cpuArchitecture: "X86_64",
      maxRequestBodyMiB: 50,
      ragSimilarityThreshold: 0.5,
    });
  });
});

describe("web config checks", () => {
  it("fails when maxTasks x workers x threads x 2 (rolling deploy) exceeds max_connections, showing the arithmetic", () => {
    const problems = problemsOf((r) => {
      r.production.web.maxTasks = 50;
      r.production.web.gunicornThreads = 4;
    });
    expect(problems).toEqual([
      "production.web.maxTasks: 50 is too high: web.maxTasks × workers × threads × 2 (a rolling deploy runs old and new tasks together) = " +
        "50 × 3 × 4 × 2 = 1200 database connections, " +
        "more than db.m7g.large allows: max_connections = LEAST(DBInstanceClassMemory/9531392, 5000) = LEAST(8589934592/9531392, 5000) = 901 " +
        "(8 GiB), minus 10 reserved for superusers, migrations and operators = 891. " +
        "Lower web.maxTasks, web.gunicornWorkers or web.gunicornThreads, or choose a larger database.instanceClass",
    ]);
  });

  it("fails when explicit Gunicorn workers overflow a small database, using the workers given", () => {
    const problems = problemsOf((r) => {
      r.staging.web.gunicornWorkers = 40;
      r.staging.web.gunicornThreads = 1;
      r.staging.web.maxTasks = 3;
      r.staging.web.memoryMiB = 4096;
      r.staging.web.gunicornPreload = true;
      r.staging.web.embeddingModelMemoryMiB = 0;
      r.staging.web.workerMemoryMiB = 50;
    });
    const problem = problems.find((p) => p.startsWith("staging.web.maxTasks"))!;
    expect(problem).toContain("staging.web.maxTasks: 3 is too high: web.maxTasks × workers × threads × 2 (a rolling deploy runs old and new tasks together) = 3 × 40 × 1 × 2 = 240 database connections");
    expect(problem).toContain("LEAST(2147483648/9531392, 5000) = 225 (2 GiB), minus 10 reserved for superusers, migrations and operators = 215");
  });

  it("fails when cpu and memory are not a Fargate combination, listing what the cpu allows", () => {
    expect(problemsOf((r) => (r.staging.web.memoryMiB = 512))).toContain(
      "staging.web.memoryMiB: 512 is not a Fargate size with 512 CPU units (0.5 vCPU): memory must be 1024, 2048, 3072, 4096 MiB",
    );
    expect(problemsOf((r) => (r.production.web.memoryMiB = 1024))).toContain(
      "production.web.memoryMiB: 1024 is not a Fargate size with 1024 CPU units (1 vCPU): memory must be 2048 to 8192 in steps of 1024 MiB",
    );
    expect(problemsOf((r) => (r.production.web.cpu = 768))[0]).toMatch(/^production\.web\.cpu: 768 is not a Fargate CPU size/);
  });

  it("fails when the Gunicorn timeout is not below the load balancer idle timeout", () => {
    expect(problemsOf((r) => {
      r.staging.web.gunicornTimeoutSeconds = 60;
      r.staging.web.deregistrationDelaySeconds = 60;
    })).toEqual(["staging.web.gunicornTimeoutSeconds: 60 must be below edge.idleTimeoutSeconds (60)"]);
  });

  it("fails when the deregistration delay is shorter than the Gunicorn timeout", () => {
    expect(problemsOf((r) => (r.production.web.deregistrationDelaySeconds = 20))).toEqual([
      "production.web.deregistrationDelaySeconds: 20 must be at least web.gunicornTimeoutSeconds (30) so in-flight requests finish while the task drains",
    ]);
  });

  it("fails when the containers would run as root", () => {
    expect(problemsOf((r) => (r.staging.web.containerUser = "0:1000"))).toEqual(['staging.web.containerUser: "0:1000" must not be root (uid or gid 0)']);
    expect(problemsOf((r) => (r.staging.web.containerUser = "app"))).toEqual(['staging.web.containerUser: "app" is not a numeric "uid:gid" such as "1000:1000"']);
  });

  it("fails when staticRoot or wsgiApplication is malformed", () => {
    expect(problemsOf((r) => (r.staging.web.staticRoot = "static/"))[0]).toMatch(/^staging\.web\.staticRoot: "static\/" is not an absolute path/);
    expect(problemsOf((r) => (r.staging.web.wsgiApplication = "config.wsgi"))[0]).toMatch(/^staging\.web\.wsgiApplication: "config\.wsgi" is not a WSGI application/);
  });
});

describe("web capacity checks", () => {
  it("fails when web.maxTasks can't carry web.load, with the arithmetic", () => {
    expect(problemsOf((r) => (r.production.web.maxTasks = 6))).toEqual([
      "production.web.maxTasks: 6 is too low for web.load: slots per task = workers × threads = 3 × 8 = 24; " +
        "needed = 100 users + 50% headroom = 150 slots = ceil(150 / 24) = 7 tasks, more than web.maxTasks (6, 144 slots). " +
        "Raise web.maxTasks or web.gunicornThreads (gthread), or lower web.load.concurrentUsers",
    ]);
  });

  it("fails on sync workers, which hold one answer each, with the arithmetic", () => {
    const problems = problemsOf((r) => {
      r.production.web.gunicornWorkerClass = "sync";
      r.production.web.gunicornThreads = 1;
    });
    expect(problems).toEqual([
      "production.web.maxTasks: 10 is too low for web.load: slots per task = workers × threads = 3 × 1 (sync workers) = 3; " +
        "needed = 100 users + 50% headroom = 150 slots = ceil(150 / 3) = 50 tasks, more than web.maxTasks (10, 30 slots). " +
        "Raise web.maxTasks or web.gunicornThreads (gthread), or lower web.load.concurrentUsers",
    ]);
  });

  it("fails when sync workers are given threads (Gunicorn would switch to gthread silently)", () => {
    expect(problemsOf((r) => (r.staging.web.gunicornWorkerClass = "sync"))).toContain(
      'staging.web.gunicornThreads: 8 must be 1 with web.gunicornWorkerClass "sync" (it is 8); use "gthread" for threads',
    );
  });

  it("fails when the workers' memory does not fit the task, and --preload counts the model once", () => {
    expect(problemsOf((r) => (r.production.web.embeddingModelMemoryMiB = 600))).toEqual([
      "production.web.memoryMiB: 2048 is too small for the Gunicorn workers: 3 workers × (model 600 MiB + worker 150 MiB) = 2250 MiB " +
        "+ 128 MiB for nginx and agents = 2378 MiB. Raise web.memoryMiB, lower web.gunicornWorkers (threads share a worker's memory), or set web.gunicornPreload",
    ]);
    const preloaded = validStages((r) => {
      r.production.web.embeddingModelMemoryMiB = 600;
      r.production.web.gunicornPreload = true;
    }).find((s) => s.name === "production")!;
    // 600 + 3 × 150 = 1050 MiB: the model is loaded once, before the fork.
    expect(capacityPlan(preloaded.web).workerMemoryMiB).toBe(1050);
  });

  it("fails when the jitter is not below max-requests, and when the LLM wait range is reversed", () => {
    const problems = problemsOf((r) => {
      r.staging.web.gunicornMaxRequestsJitter = 1000;
      r.staging.web.load.llmWaitSeconds = { min: 6, max: 5 };
    });
    expect(problems).toContain("staging.web.gunicornMaxRequestsJitter: 1000 must be below web.gunicornMaxRequests (1000); it is 1000");
    expect(problems).toContain("staging.web.load.llmWaitSeconds.min: 6 must not exceed web.load.llmWaitSeconds.max (5); it is 6");
  });

  it("fails when latency scale-out would fire on a normal answer or only after the p95 alarm", () => {
    expect(problemsOf((r) => (r.staging.web.latencyScaleOutP95Seconds = 4))).toEqual([
      "staging.web.latencyScaleOutP95Seconds: 4 must be above web.load.llmWaitSeconds.max (5): an unqueued answer already takes that long; it is 4",
    ]);
    expect(problemsOf((r) => (r.staging.web.latencyScaleOutP95Seconds = 9))).toEqual([
      "staging.web.latencyScaleOutP95Seconds: 9 must be below operations.alarms.targetResponseTimeP95Seconds (8) so tasks are added before the alarm; it is 9",
    ]);
  });
});

describe("web config mistakes", () => {
  it("fails when web.geminiModel is not a current model (a retired one), naming the field and the list", () => {
    const problems = problemsOf((raw) => (raw.staging.web.geminiModel = "gemini-1.5-flash"));
    expect(problems.join("\n")).toMatch(/staging\.web\.geminiModel: "gemini-1\.5-flash" is not a current Gemini model \(one of gemini-2\.5-flash/);
  });

  it("defaults GEMINI_MODEL and RAG_SIMILARITY_THRESHOLD when a stage leaves them out", () => {
    const staging = validStages((raw) => {
      delete raw.staging.web.geminiModel;
      delete raw.staging.web.ragSimilarityThreshold;
    }).find((s) => s.name === "staging")!;
    expect(staging.web).toMatchObject({ geminiModel: "gemini-2.5-flash", ragSimilarityThreshold: 0.5 });
  });
});
