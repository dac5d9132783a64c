/**
 * DFP-ECS-8: every container drops every Linux capability and adds none back.
 */
import type { Rule } from "../types";
import { checkContainers, list } from "../util";

export const containerDropsAllCapabilities: Rule = {
  id: "DFP-ECS-8",
  info: 'Every container sets linuxParameters.capabilities.drop = ["ALL"] and adds no capability back.',
  explanation:
    "Docker's default set gives a container's processes CHOWN, DAC_OVERRIDE, FOWNER, SETUID, SETGID, NET_RAW and more; " +
    "a non-root process that gains root through a setuid binary or a kernel bug gets them too. A web application, a " +
    "proxy on an unprivileged port and a vector database need none of them. A container that really needs one (Fargate " +
    "only accepts SYS_PTRACE in `add`) keeps `add` and carries a suppression of this rule whose reason names the " +
    "capability and why.",
  fix: 'set linuxParameters.capabilities = { drop: ["ALL"] } (keep initProcessEnabled and other linuxParameters)',
  check: (resource) =>
    checkContainers(resource, (c, label) => {
      const capabilities = c.linuxParameters?.capabilities;
      const drop = list(capabilities?.drop);
      if (!drop.includes("ALL")) {
        return drop.length === 0 ? `${label} drops no capabilities` : `${label} drops ${drop.join(", ")} but not ALL`;
      }
      const add = list(capabilities?.add);
      return add.length > 0 ? `${label} adds capabilities back: ${add.join(", ")}` : undefined;
    }),
};
