/**
 * DFP-ECS-6: every long-running container has a health check.
 *
 * Which containers are long-running:
 * - only task definitions that an aws_ecs_service runs are checked. A task definition
 *   no service references is a one-off task (the migration task, a scheduled job):
 *   it runs to completion, and ECS health checks do not apply to it;
 * - in a service's task, a container with `essential: false` is a short-lived init
 *   container (it fills a volume and exits; others wait for it with a dependsOn
 *   condition of COMPLETE or SUCCESS): it is exempt. Containers are essential by
 *   default, and an essential container that exits stops the task, so every
 *   essential container of a service is long-running and must have a health check.
 */
import type { Rule } from "../types";
import { checkContainers, referencedName, resourcesOf } from "../util";

/** Whether some aws_ecs_service in the stack runs the task definition `name`. */
function runByService(name: string, stack: Parameters<Rule["check"]>[1]): boolean {
  return resourcesOf(stack, "aws_ecs_service").some(
    ([, service]) => referencedName(service.task_definition, "aws_ecs_task_definition") === name,
  );
}

export const containerHealthCheck: Rule = {
  id: "DFP-ECS-6",
  info: "Every essential container of a task definition run by an ECS service has a healthCheck.",
  explanation:
    "Without a container health check, ECS only knows the process is running: a wedged Gunicorn or an nginx that " +
    "cannot reach its upstream keeps receiving traffic and is never replaced, and deployments cannot wait for the " +
    "new tasks to be healthy. One-off tasks (not run by a service) and non-essential init containers are exempt: " +
    "they run to completion. Fix: add `healthCheck` { command: [\"CMD-SHELL\", \"curl -fsS http://127.0.0.1:<port>/<path> || exit 1\"], " +
    "interval, timeout, retries, startPeriod } to the container, or mark a short-lived container `essential: false`.",
  fix: 'add healthCheck { command: ["CMD-SHELL", "curl -fsS http://127.0.0.1:<port>/<path> || exit 1"], ... } (or essential: false for an init container)',
  check: (resource, stack) => {
    if (resource.type !== "aws_ecs_task_definition") return "not-applicable";
    if (!runByService(resource.name, stack)) return "not-applicable";
    return checkContainers(resource, (c, label) => {
      if (c.essential === false) return undefined;
      const command = c.healthCheck?.command;
      return Array.isArray(command) && command.length > 0 ? undefined : `${label} is essential in a service task but has no healthCheck command`;
    });
  },
};
