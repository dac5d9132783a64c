/**
 * The availability zones a stage's subnets go to, by zone ID (`euw1-az1`): the same
 * physical zone in every account, unlike a zone name (`eu-west-1a`), which each
 * account maps to a zone of its own. `network.azIds` names them; left out, the first
 * `network.azCount` IDs of the region in config/regions.ts, a fixed list, so a zone
 * that changes state or a new zone never moves a subnet.
 */
import { regionInfo } from "./regions";

/** The zone IDs of a stage, in subnet order (index i gets the i-th public, private and isolated subnet). */
export function zoneIdsOf(region: string, network: { readonly azCount: number; readonly azIds?: readonly string[] }): string[] {
  if (network.azIds !== undefined) return [...network.azIds];
  const info = regionInfo(region);
  if (!info) throw new Error(`region "${region}" is not in config/regions.ts`);
  if (network.azCount > info.azIds.length) {
    throw new Error(`network.azCount ${network.azCount} is more than the ${info.azIds.length} availability zones of ${region}`);
  }
  return info.azIds.slice(0, network.azCount);
}
