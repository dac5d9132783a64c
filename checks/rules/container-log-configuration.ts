/**
 * DFP-ECS-5: every container sends its output somewhere.
 */
import type { Rule } from "../types";
import { checkContainers } from "../util";

export const containerLogConfiguration: Rule = {
  id: "DFP-ECS-5",
  info: "Every container has a logConfiguration with a logDriver.",
  explanation:
    "Without a log configuration a container's stdout and stderr are discarded: a crash at start leaves no trace, " +
    "and a migration or init container that fails cannot be diagnosed. Fix: set `logConfiguration` with the awslogs " +
    "driver and the stage's encrypted log group (awslogs-group, awslogs-region, awslogs-stream-prefix).",
  fix: "add logConfiguration { logDriver: \"awslogs\", options: { awslogs-group, awslogs-region, awslogs-stream-prefix } }",
  check: (resource) =>
    checkContainers(resource, (c, label) => {
      const config = c.logConfiguration;
      if (!config || typeof config !== "object") return `${label} has no logConfiguration`;
      return typeof config.logDriver === "string" && config.logDriver !== "" ? undefined : `${label} has a logConfiguration without logDriver`;
    }),
};
