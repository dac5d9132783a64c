/**
 * Every rule of the pack, in report order. Adding a rule: one file in this folder
 * named after what it checks, exporting a `Rule`, listed here, with a compliant and a
 * non-compliant test in __tests__/checks/.
 */
import type { Rule } from "../types";
import { bucketEncrypted } from "./bucket-encrypted";
import { cacheEncrypted } from "./cache-encrypted";
import { containerDropsAllCapabilities } from "./container-drops-all-capabilities";
import { containerHealthCheck } from "./container-health-check";
import { containerLogConfiguration } from "./container-log-configuration";
import { containerNoSecretEnvironment } from "./container-no-secret-environment";
import { containerNonRootUser } from "./container-non-root-user";
import { containerNotPrivileged } from "./container-not-privileged";
import { containerReadOnlyRoot } from "./container-read-only-root";
import { databaseEncrypted } from "./database-encrypted";
import { fileSystemEncrypted } from "./file-system-encrypted";
import { logGroupEncrypted } from "./log-group-encrypted";
import { logGroupRetention } from "./log-group-retention";
import { productionDeletionProtection } from "./production-deletion-protection";
import { secretCustomerKey } from "./secret-customer-key";
import { securityGroupNoWorldIngress } from "./security-group-no-world-ingress";
import { taskNoPublicIp } from "./task-no-public-ip";

/** The rules that read inside container_definitions (DFP-ECS-1 to DFP-ECS-6, DFP-ECS-8). */
export const CONTAINER_RULES: readonly Rule[] = [
  containerNoSecretEnvironment,
  containerReadOnlyRoot,
  containerNonRootUser,
  containerNotPrivileged,
  containerLogConfiguration,
  containerHealthCheck,
  containerDropsAllCapabilities,
];

export const RULES: readonly Rule[] = [
  ...CONTAINER_RULES,
  taskNoPublicIp,
  securityGroupNoWorldIngress,
  databaseEncrypted,
  cacheEncrypted,
  fileSystemEncrypted,
  bucketEncrypted,
  secretCustomerKey,
  logGroupEncrypted,
  logGroupRetention,
  productionDeletionProtection,
];
