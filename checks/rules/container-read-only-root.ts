/**
 * DFP-ECS-2: every container runs with a read-only root filesystem.
 */
import type { Rule } from "../types";
import { checkContainers } from "../util";

export const containerReadOnlyRoot: Rule = {
  id: "DFP-ECS-2",
  info: "Every container sets readonlyRootFilesystem: true.",
  explanation:
    "A writable root filesystem lets a compromised process change the image's binaries and configuration and persist " +
    "tools for the life of the task. With a read-only root, the only writable paths are the volumes the task definition " +
    "mounts on purpose (/tmp, a static-files volume). Fix: set `readonlyRootFilesystem: true` on the container and " +
    "mount a task volume at each path the process must write.",
  fix: "set readonlyRootFilesystem: true and mount a volume where the container must write (e.g. /tmp)",
  check: (resource) =>
    checkContainers(resource, (c, label) =>
      c.readonlyRootFilesystem === true ? undefined : `${label} has readonlyRootFilesystem ${JSON.stringify(c.readonlyRootFilesystem) ?? "unset"}`,
    ),
};
