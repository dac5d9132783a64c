/** DFP-PROD-1: stateful resources in production refuse destruction. */
import { productionDeletionProtection, STATEFUL_TYPES } from "../../checks/rules/production-deletion-protection";
import { details, outcome, PRODUCTION, res, STAGING } from "./fixtures";

describe("DFP-PROD-1 production-deletion-protection", () => {
  it.each(STATEFUL_TYPES)("passes a production %s with lifecycle.prevent_destroy", (type) => {
    expect(outcome(productionDeletionProtection, res(type, { lifecycle: { prevent_destroy: true } }, { stage: PRODUCTION }))).toBe("compliant");
  });

  it.each(STATEFUL_TYPES)("fails when a production %s has neither prevent_destroy nor deletion protection", (type) => {
    const found = details(outcome(productionDeletionProtection, res(type, {}, { stage: PRODUCTION })));
    expect(found[0]).toMatch(/no lifecycle.prevent_destroy/);
    expect(found[0]).toMatch(/production stage "production"/);
  });

  it("accepts deletion_protection on a database instead of prevent_destroy", () => {
    expect(outcome(productionDeletionProtection, res("aws_db_instance", { deletion_protection: true }, { stage: PRODUCTION }))).toBe("compliant");
    expect(details(outcome(productionDeletionProtection, res("aws_db_instance", { deletion_protection: false }, { stage: PRODUCTION })))).toEqual([
      'no lifecycle.prevent_destroy and deletion_protection is false in production stage "production"',
    ]);
  });

  it("does not apply outside production, nor to stateless types", () => {
    expect(outcome(productionDeletionProtection, res("aws_s3_bucket", {}, { stage: STAGING }))).toBe("not-applicable");
    expect(outcome(productionDeletionProtection, res("aws_ecs_service", {}, { stage: PRODUCTION }))).toBe("not-applicable");
  });
});
