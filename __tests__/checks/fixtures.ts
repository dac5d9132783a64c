/**
 * Hand-written resources for the rule tests: synthesized Terraform JSON as cdktf
 * writes it (snake_case attributes, `${type.name.attr}` references).
 */
import type { Outcome, Rule, StageContext, Suppression, SynthResource, SynthStack } from "../../checks/types";

export const STAGING: StageContext = { name: "staging", production: false };
export const PRODUCTION: StageContext = { name: "production", production: true };

/** A resource of `type` named `name` (path staging/<name> unless given). */
export function res(
  type: string,
  attributes: Record<string, any>,
  options: { name?: string; stage?: StageContext; path?: string; suppressions?: Suppression[] } = {},
): SynthResource {
  const name = options.name ?? "subject";
  const stage = options.stage ?? STAGING;
  return { type, name, path: options.path ?? `${stage.name}/${name}`, attributes, stage, suppressions: options.suppressions ?? [] };
}

/** A stack holding the given resources. */
export function stackOf(...resources: SynthResource[]): SynthStack {
  const resource: Record<string, Record<string, any>> = {};
  for (const r of resources) (resource[r.type] ??= {})[r.name] = r.attributes;
  return { resource };
}

/** The rule's outcome for `resource` in a stack holding it and `others`. */
export function outcome(rule: Rule, resource: SynthResource, ...others: SynthResource[]): Outcome {
  return rule.check(resource, stackOf(resource, ...others));
}

/** The details of a non-compliant outcome (fails the test if it is not one). */
export function details(result: Outcome): readonly string[] {
  if (typeof result === "string") throw new Error(`expected non-compliant, got ${result}`);
  return result.details;
}

/** A container that every container rule accepts. */
export function goodContainer(overrides: Record<string, any> = {}): Record<string, any> {
  return {
    name: "web",
    image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:abc123",
    essential: true,
    user: "1000:1000",
    readonlyRootFilesystem: true,
    linuxParameters: { capabilities: { drop: ["ALL"] } },
    environment: [{ name: "DJANGO_SETTINGS_MODULE", value: "config.settings.production" }],
    secrets: [{ name: "DJANGO_SECRET_KEY", valueFrom: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x" }],
    logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "${aws_cloudwatch_log_group.web_logs_1.name}" } },
    healthCheck: { command: ["CMD-SHELL", "curl -fsS http://127.0.0.1:8000/health/ || exit 1"], interval: 15 },
    ...overrides,
  };
}

/** An aws_ecs_task_definition with these containers. */
export function taskDefinition(containers: Record<string, any>[], name = "web_task_1"): SynthResource {
  return res("aws_ecs_task_definition", { family: "web", container_definitions: JSON.stringify(containers) }, { name });
}

/** An aws_ecs_service running the task definition `taskName`. */
export function serviceRunning(taskName: string): SynthResource {
  return res(
    "aws_ecs_service",
    { name: "web", task_definition: "${aws_ecs_task_definition." + taskName + ".arn}", network_configuration: { assign_public_ip: false } },
    { name: "web_service_1" },
  );
}
