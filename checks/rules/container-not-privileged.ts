/**
 * DFP-ECS-4: no container is privileged.
 */
import type { Rule } from "../types";
import { checkContainers } from "../util";

export const containerNotPrivileged: Rule = {
  id: "DFP-ECS-4",
  info: "No container sets privileged: true.",
  explanation:
    "A privileged container has every Linux capability and access to the host's devices: it is root on the host. " +
    "Fargate refuses it at deploy time, so catching it at synthesis saves a failed apply; on EC2 capacity it would be " +
    "accepted. Fix: remove `privileged` (or set it to false) and add only the capabilities the process needs through " +
    "`linuxParameters.capabilities`.",
  fix: "remove `privileged` (add specific capabilities with linuxParameters.capabilities if really needed)",
  check: (resource) =>
    checkContainers(resource, (c, label) => (c.privileged === true || c.privileged === "true" ? `${label} is privileged` : undefined)),
};
