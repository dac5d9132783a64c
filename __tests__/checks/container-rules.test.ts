/** DFP-ECS-1 to DFP-ECS-6 and DFP-ECS-8: rules over container_definitions. */
import { containerDropsAllCapabilities } from "../../checks/rules/container-drops-all-capabilities";
import { containerHealthCheck } from "../../checks/rules/container-health-check";
import { containerLogConfiguration } from "../../checks/rules/container-log-configuration";
import { containerNoSecretEnvironment, isSecretLookingName } from "../../checks/rules/container-no-secret-environment";
import { containerNonRootUser, isRootUser } from "../../checks/rules/container-non-root-user";
import { containerNotPrivileged } from "../../checks/rules/container-not-privileged";
import { containerReadOnlyRoot } from "../../checks/rules/container-read-only-root";
import { CONTAINER_RULES, RULES } from "../../checks/rules";
import { details, goodContainer, outcome, res, serviceRunning, taskDefinition } from "./fixtures";

it("groups the seven container rules", () => {
  expect(CONTAINER_RULES.map((r) => r.id)).toEqual(["DFP-ECS-1", "DFP-ECS-2", "DFP-ECS-3", "DFP-ECS-4", "DFP-ECS-5", "DFP-ECS-6", "DFP-ECS-8"]);
});

describe.each(CONTAINER_RULES.map((r) => [r.id, r] as const))("%s (every container rule)", (_id, rule) => {
  it("passes a well-configured service task", () => {
    expect(outcome(rule, taskDefinition([goodContainer()]), serviceRunning("web_task_1"))).toBe("compliant");
  });

  it("does not apply to other resource types", () => {
    expect(outcome(rule, res("aws_ecs_service", { name: "web" }))).toBe("not-applicable");
  });

  it("fails when container_definitions is a Terraform expression it cannot read", () => {
    const task = res("aws_ecs_task_definition", { container_definitions: '${jsonencode([{"name" = "web"}])}' }, { name: "web_task_1" });
    expect(details(outcome(rule, task, serviceRunning("web_task_1")))[0]).toMatch(/not a JSON literal.*JSON\.stringify/);
  });
});

describe("DFP-ECS-1 container-no-secret-environment", () => {
  it("passes plain settings and secret ARNs in environment, and secrets in `secrets`", () => {
    const c = goodContainer({
      environment: [
        { name: "REDIS_URL_SECRET_ARN", value: "arn:aws:secretsmanager:eu-west-1:1:secret:x" },
        { name: "CACHE_TTL_SECONDS", value: "3600" },
      ],
    });
    expect(outcome(containerNoSecretEnvironment, taskDefinition([c]))).toBe("compliant");
  });

  it("fails when a secret-looking name is in environment, naming the container and the variables", () => {
    const c = goodContainer({
      environment: [
        { name: "DJANGO_SECRET_KEY", value: "x" },
        { name: "GEMINI_API_KEY", value: "y" },
        { name: "APP_DOMAIN", value: "faq.example.com" },
      ],
    });
    expect(details(outcome(containerNoSecretEnvironment, taskDefinition([c])))).toEqual([
      'container "web" has secret-looking environment variables: DJANGO_SECRET_KEY, GEMINI_API_KEY',
    ]);
  });

  it.each(["DB_PASSWORD", "QDRANT_API_KEY", "AUTH_TOKEN", "FERNET_KEY", "aws_secret_access_key", "OAUTH_CREDENTIALS", "KEY", "db_passwd"])(
    "treats %s as secret-looking",
    (name) => expect(isSecretLookingName(name)).toBe(true),
  );
  it.each(["APP_DOMAIN", "VPC_CIDR", "DATABASE_SECRET_ARN", "KEYCLOAK_URL", "CACHE_KEY_PREFIX"])("treats %s as plain", (name) =>
    expect(isSecretLookingName(name)).toBe(false),
  );
});

describe("DFP-ECS-2 container-read-only-root", () => {
  it("passes readonlyRootFilesystem: true", () => {
    expect(outcome(containerReadOnlyRoot, taskDefinition([goodContainer()]))).toBe("compliant");
  });

  it("fails when a container leaves it unset or false", () => {
    const task = taskDefinition([goodContainer({ readonlyRootFilesystem: undefined }), goodContainer({ name: "nginx", readonlyRootFilesystem: false })]);
    expect(details(outcome(containerReadOnlyRoot, task))).toEqual([
      'container "web" has readonlyRootFilesystem unset',
      'container "nginx" has readonlyRootFilesystem false',
    ]);
  });
});

describe("DFP-ECS-3 container-non-root-user", () => {
  it.each(["1000", "1000:1000", "nginx", "101:101", "app:app"])("passes user %s", (user) => {
    expect(outcome(containerNonRootUser, taskDefinition([goodContainer({ user })]))).toBe("compliant");
  });

  it.each(["root", "0", "0:0", "root:root", "000"])("fails when user is %s", (user) => {
    expect(details(outcome(containerNonRootUser, taskDefinition([goodContainer({ user })])))).toEqual([`container "web" runs as root (user "${user}")`]);
    expect(isRootUser(user)).toBe(true);
  });

  it("fails when user is unset", () => {
    expect(details(outcome(containerNonRootUser, taskDefinition([goodContainer({ user: undefined })])))[0]).toMatch(/container "web" has no user/);
  });
});

describe("DFP-ECS-4 container-not-privileged", () => {
  it("passes privileged: false", () => {
    expect(outcome(containerNotPrivileged, taskDefinition([goodContainer({ privileged: false })]))).toBe("compliant");
  });

  it("fails when a container is privileged", () => {
    expect(details(outcome(containerNotPrivileged, taskDefinition([goodContainer({ privileged: true })])))).toEqual(['container "web" is privileged']);
  });
});

describe("DFP-ECS-5 container-log-configuration", () => {
  it("passes an awslogs configuration", () => {
    expect(outcome(containerLogConfiguration, taskDefinition([goodContainer()]))).toBe("compliant");
  });

  it("fails when a container has no logConfiguration or no driver", () => {
    const task = taskDefinition([goodContainer({ logConfiguration: undefined }), goodContainer({ name: "init", logConfiguration: { options: {} } })]);
    expect(details(outcome(containerLogConfiguration, task))).toEqual([
      'container "web" has no logConfiguration',
      'container "init" has a logConfiguration without logDriver',
    ]);
  });
});

describe("DFP-ECS-6 container-health-check", () => {
  it("passes a service task whose essential containers have health checks and whose init container is not essential", () => {
    const task = taskDefinition([goodContainer(), goodContainer({ name: "collectstatic", essential: false, healthCheck: undefined })]);
    expect(outcome(containerHealthCheck, task, serviceRunning("web_task_1"))).toBe("compliant");
  });

  it("does not apply to a one-off task definition no service runs (migrations)", () => {
    const task = taskDefinition([goodContainer({ name: "migrate", healthCheck: undefined })], "migrate_task_1");
    expect(outcome(containerHealthCheck, task, serviceRunning("web_task_1"))).toBe("not-applicable");
  });

  it("fails when an essential container of a service task has no health check", () => {
    const task = taskDefinition([goodContainer({ healthCheck: undefined }), goodContainer({ name: "nginx", healthCheck: { command: [] } })]);
    expect(details(outcome(containerHealthCheck, task, serviceRunning("web_task_1")))).toEqual([
      'container "web" is essential in a service task but has no healthCheck command',
      'container "nginx" is essential in a service task but has no healthCheck command',
    ]);
  });

  it("treats a container without `essential` as essential (the ECS default)", () => {
    const task = taskDefinition([goodContainer({ essential: undefined, healthCheck: undefined })]);
    expect(details(outcome(containerHealthCheck, task, serviceRunning("web_task_1")))).toHaveLength(1);
  });
});

describe("the rule list", () => {
  it("gives every rule a unique id, a one-line info, an explanation and a one-line fix", () => {
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^DFP-[A-Z]+-\d+$/);
      expect(rule.info).not.toMatch(/\n/);
      expect(rule.fix).not.toMatch(/\n/);
      expect(rule.explanation.length).toBeGreaterThan(100);
    }
  });
});

describe("DFP-ECS-8 container-drops-all-capabilities", () => {
  it("passes drop ALL beside other linuxParameters", () => {
    const c = goodContainer({ linuxParameters: { initProcessEnabled: true, capabilities: { drop: ["ALL"] } } });
    expect(outcome(containerDropsAllCapabilities, taskDefinition([c]))).toBe("compliant");
  });

  it("fails when a container has no linuxParameters, or drops only some capabilities", () => {
    const task = taskDefinition([
      goodContainer({ linuxParameters: undefined }),
      goodContainer({ name: "nginx", linuxParameters: { initProcessEnabled: true } }),
      goodContainer({ name: "qdrant", linuxParameters: { capabilities: { drop: ["NET_RAW", "SETUID"] } } }),
    ]);
    expect(details(outcome(containerDropsAllCapabilities, task))).toEqual([
      'container "web" drops no capabilities',
      'container "nginx" drops no capabilities',
      'container "qdrant" drops NET_RAW, SETUID but not ALL',
    ]);
  });

  it("fails when a container adds a capability back (that needs a suppression with a reason)", () => {
    const c = goodContainer({ linuxParameters: { capabilities: { drop: ["ALL"], add: ["SYS_PTRACE"] } } });
    expect(details(outcome(containerDropsAllCapabilities, taskDefinition([c])))).toEqual(['container "web" adds capabilities back: SYS_PTRACE']);
  });
});
