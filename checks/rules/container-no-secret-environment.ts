/**
 * DFP-ECS-1: no secret-looking variable in a container's plain `environment`.
 */
import type { Rule } from "../types";
import { checkContainers, list } from "../util";

/** Words that mark a variable as a secret, anywhere in its upper-cased name. */
export const SECRET_NAME_WORDS = [
  "SECRET",
  "PASSWORD",
  "PASSWD",
  "PASSPHRASE",
  "TOKEN",
  "API_KEY",
  "APIKEY",
  "PRIVATE_KEY",
  "ACCESS_KEY",
  "CREDENTIAL",
] as const;

/**
 * Whether an environment variable name looks like it holds a secret: it contains one of
 * SECRET_NAME_WORDS, or is KEY / ends in _KEY (DJANGO_SECRET_KEY, FERNET_KEY). Names ending
 * in _ARN are references to a secret, not the secret, and pass (DATABASE_SECRET_ARN).
 */
export function isSecretLookingName(name: string): boolean {
  const upper = name.toUpperCase();
  if (upper.endsWith("_ARN")) return false;
  return SECRET_NAME_WORDS.some((w) => upper.includes(w)) || upper === "KEY" || upper.endsWith("_KEY");
}

export const containerNoSecretEnvironment: Rule = {
  id: "DFP-ECS-1",
  info: "No container passes a secret-looking variable (SECRET, PASSWORD, TOKEN, API_KEY, *_KEY...) as plain environment.",
  explanation:
    "Plain `environment` values are stored in the task definition, which anyone with ecs:DescribeTaskDefinition can read, " +
    "and they appear in the Terraform plan and state. Secrets must come from Secrets Manager through the container's " +
    "`secrets` list (valueFrom = the secret ARN), which the execution role resolves at start. Fix: move the variable " +
    "from `environment` to `secrets`; if the name is not a secret (e.g. TOKEN_TTL_SECONDS), rename it or suppress with a reason.",
  fix: "move the variable from `environment` to `secrets` (valueFrom: a Secrets Manager secret ARN)",
  check: (resource) =>
    checkContainers(resource, (container, label) => {
      const names = list(container.environment)
        .map((e) => (e && typeof e === "object" ? (e as Record<string, unknown>).name : undefined))
        .filter((n): n is string => typeof n === "string" && isSecretLookingName(n));
      return names.length > 0 ? `${label} has secret-looking environment variables: ${names.join(", ")}` : undefined;
    }),
};
