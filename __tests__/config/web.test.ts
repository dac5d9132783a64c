import { gunicornWorkersFor } from "../../config/sizing";
import { problemsOf, STAGE_NAMES, validStages } from "../helpers/stages";

describe.each(STAGE_NAMES)("web config of %s", (stageName) => {
  const stage = validStages().find((s) => s.name === stageName)!;

  it("fits the autoscaling ceiling in the database's connection limit", () => {
    const workers = stage.web.gunicornWorkers ?? gunicornWorkersFor(stage.web.cpu);
    expect(stage.web.maxTasks * workers * stage.web.gunicornThreads).toBeLessThan(900);
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
    });
  });
});

describe("web config checks", () => {
  it("fails when maxTasks x workers x threads exceeds max_connections, showing the arithmetic", () => {
    const problems = problemsOf((r) => {
      r.production.web.maxTasks = 100;
      r.production.web.gunicornThreads = 4;
    });
    expect(problems).toEqual([
      "production.web.maxTasks: 100 is too high: web.maxTasks × workers × threads = 100 × 3 × 4 = 1200 database connections, " +
        "more than db.m7g.large allows: max_connections = LEAST(DBInstanceClassMemory/9531392, 5000) = LEAST(8589934592/9531392, 5000) = 901 " +
        "(8 GiB), minus 10 reserved for superusers, migrations and operators = 891. " +
        "Lower web.maxTasks, web.gunicornWorkers or web.gunicornThreads, or choose a larger database.instanceClass",
    ]);
  });

  it("fails when explicit Gunicorn workers overflow a small database, using the workers given", () => {
    const [problem] = problemsOf((r) => {
      r.staging.web.gunicornWorkers = 40;
      r.staging.web.maxTasks = 6;
    });
    expect(problem).toContain("staging.web.maxTasks: 6 is too high: web.maxTasks × workers × threads = 6 × 40 × 1 = 240 database connections");
    expect(problem).toContain("LEAST(2147483648/9531392, 5000) = 225 (2 GiB), minus 10 reserved for superusers, migrations and operators = 215");
  });

  it("fails when cpu and memory are not a Fargate combination, listing what the cpu allows", () => {
    expect(problemsOf((r) => (r.staging.web.memoryMiB = 512))).toEqual([
      "staging.web.memoryMiB: 512 is not a Fargate size with 512 CPU units (0.5 vCPU): memory must be 1024, 2048, 3072, 4096 MiB",
    ]);
    expect(problemsOf((r) => (r.production.web.memoryMiB = 1024))).toEqual([
      "production.web.memoryMiB: 1024 is not a Fargate size with 1024 CPU units (1 vCPU): memory must be 2048 to 8192 in steps of 1024 MiB",
    ]);
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
