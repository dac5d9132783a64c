/**
 * Region checks: the stage's region and its state bucket's region are in the
 * region table (config/regions.ts), the region has `network.azCount` availability
 * zones, and an existing certificate is in the stage's region (an ALB listener can
 * only use an ACM certificate of its own region).
 */
import { REGIONS, regionInfo } from "../regions";
import { didYouMean } from "../tables/closest";
import type { StageCheck } from "./types";

const known = Object.keys(REGIONS);
const unknownRegion = (region: string) =>
  `is not an AWS region in config/regions.ts${didYouMean(region, known)}; a new region is added there (see its header)`;

export const regionIsKnown: StageCheck = ({ region }, problem) => {
  if (!regionInfo(region)) problem(["region"], unknownRegion(region));
};

export const stateRegionIsKnown: StageCheck = ({ state }, problem) => {
  if (!regionInfo(state.region)) problem(["state", "region"], unknownRegion(state.region));
};

export const regionHasTheZones: StageCheck = ({ region, network }, problem) => {
  const info = regionInfo(region);
  if (info && network.azCount > info.azIds.length) {
    problem(
      ["network", "azCount"],
      `is more than the ${info.azIds.length} availability zones ${region} has (${info.azIds.join(", ")}; config/regions.ts)`,
    );
  }
};

export const certificateInStageRegion: StageCheck = ({ region, domain }, problem) => {
  const arnRegion = domain.certificateArn?.split(":")[3];
  if (arnRegion !== undefined && arnRegion !== region) {
    problem(
      ["domain", "certificateArn"],
      `is in ${arnRegion}, not in the stage's region ${region}: the load balancer can only use an ACM certificate of its own region (request or import it in ${region})`,
    );
  }
};
