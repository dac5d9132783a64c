/**
 * `network.azIds`, when given: one zone ID per `network.azCount`, each a zone of the
 * stage's region in config/regions.ts, none twice (two subnets of a tier in one zone
 * would defeat Multi-AZ).
 */
import { regionInfo } from "../regions";
import type { StageCheck } from "./types";

export const zoneIdsBelongToRegion: StageCheck = ({ region, network }, problem) => {
  const ids = network.azIds;
  if (ids === undefined) return;
  if (ids.length !== network.azCount) {
    problem(["network", "azIds"], `has ${ids.length} zones, but network.azCount is ${network.azCount}: name exactly one zone ID per availability zone`);
  }
  const info = regionInfo(region);
  ids.forEach((id, i) => {
    if (info && !info.azIds.includes(id)) {
      problem(["network", "azIds", i], `is not an availability zone ID of ${region} (${info.azIds.join(", ")}; config/regions.ts)`);
    }
    if (ids.indexOf(id) !== i) problem(["network", "azIds", i], "is listed twice: each subnet of a tier needs its own zone");
  });
};
