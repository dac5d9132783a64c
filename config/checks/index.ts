/**
 * The config checks beyond one field's own rule, run by config/load.ts on each
 * stage (parsed as far as it could be) beside the schema's cross-field rules.
 */
import { cacheNodeTypeIsKnown, databaseInstanceClassIsKnown } from "./instance-types";
import { budgetThresholdsUnique } from "./lists";
import { namePrefixNotReserved } from "./name-prefix";
import { alarmsHaveASubscriber, dailyBudgetThresholdsUnique, restoreDrillMatchesSnapshots } from "./operations";
import { certificateInStageRegion, regionHasTheZones, regionIsKnown, stateRegionIsKnown } from "./region";
import type { StageCheck } from "./types";
import { zoneIdsBelongToRegion } from "./zones";

export const STAGE_CHECKS: readonly StageCheck[] = [
  regionIsKnown,
  stateRegionIsKnown,
  regionHasTheZones,
  zoneIdsBelongToRegion,
  certificateInStageRegion,
  namePrefixNotReserved,
  databaseInstanceClassIsKnown,
  cacheNodeTypeIsKnown,
  budgetThresholdsUnique,
  alarmsHaveASubscriber,
  restoreDrillMatchesSnapshots,
  dailyBudgetThresholdsUnique,
];
