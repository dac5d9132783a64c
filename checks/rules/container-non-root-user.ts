/**
 * DFP-ECS-3: every container names a non-root user.
 */
import type { Rule } from "../types";
import { checkContainers } from "../util";

/** Whether an ECS `user` value ("name", "uid", "uid:gid", "name:group") is root. */
export function isRootUser(user: string): boolean {
  const who = user.trim().split(":")[0];
  return who === "" || who === "root" || /^0+$/.test(who);
}

export const containerNonRootUser: Rule = {
  id: "DFP-ECS-3",
  info: "Every container sets `user` to a non-root user (not root, not 0).",
  explanation:
    "Without `user`, a container runs as whatever the image says, which for most images is root. A process running as " +
    "root inside the container is one kernel or runtime bug away from root on the host, and can read every file " +
    "mounted into the task. Fix: set `user` to the image's unprivileged user or uid (e.g. \"1000\" or \"101:101\").",
  fix: 'set `user` to a non-root user or uid, e.g. "1000:1000"',
  check: (resource) =>
    checkContainers(resource, (c, label) => {
      if (typeof c.user !== "string") return `${label} has no user (runs as the image's default, usually root)`;
      return isRootUser(c.user) ? `${label} runs as root (user "${c.user}")` : undefined;
    }),
};
