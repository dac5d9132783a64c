import { regionInfo } from "../../config/regions";
import { zoneIdsOf } from "../../config/zones";
import { problemsOf, validStages } from "../helpers/stages";

describe("availability zones by ID", () => {
  it("defaults to the region's first azCount zone IDs, in the table's order", () => {
    for (const stage of validStages()) {
      expect(zoneIdsOf(stage.region, stage.network)).toEqual(regionInfo(stage.region)!.azIds.slice(0, stage.network.azCount));
    }
    expect(zoneIdsOf("us-east-1", { azCount: 3 })).toEqual(["use1-az1", "use1-az2", "use1-az4"]);
  });

  it("takes network.azIds as given, in its order", () => {
    const [stage] = validStages((r) => (r.staging.network.azIds = ["euw1-az3", "euw1-az1"]));
    expect(zoneIdsOf(stage.region, stage.network)).toEqual(["euw1-az3", "euw1-az1"]);
  });

  it("fails when azIds names a zone of another region, a zone twice, or a different number of zones than azCount", () => {
    expect(problemsOf((r) => (r.staging.network.azIds = ["euw1-az1", "use1-az2"]))).toEqual([
      'staging.network.azIds[1]: "use1-az2" is not an availability zone ID of eu-west-1 (euw1-az1, euw1-az2, euw1-az3; config/regions.ts)',
    ]);
    expect(problemsOf((r) => (r.staging.network.azIds = ["euw1-az2", "euw1-az2"]))).toEqual([
      'staging.network.azIds[1]: "euw1-az2" is listed twice: each subnet of a tier needs its own zone',
    ]);
    expect(problemsOf((r) => (r.staging.network.azIds = ["euw1-az1", "euw1-az2", "euw1-az3"]))).toEqual([
      'staging.network.azIds: ["euw1-az1","euw1-az2","euw1-az3"] has 3 zones, but network.azCount is 2: name exactly one zone ID per availability zone',
    ]);
    expect(problemsOf((r) => (r.staging.network.azIds = ["eu-west-1a", "eu-west-1b"]))[0]).toMatch(
      /^staging\.network\.azIds\[0\]: "eu-west-1a" is not an availability zone ID such as "euw1-az1"/,
    );
  });

  it("fails when azCount is above the zones the region has (no wrap-around)", () => {
    expect(problemsOf((r) => ((r.staging.region = "us-west-1"), (r.staging.network.azCount = 3)))).toContain(
      "staging.network.azCount: 3 is more than the 2 availability zones us-west-1 has (usw1-az1, usw1-az3; config/regions.ts)",
    );
    expect(() => zoneIdsOf("us-west-1", { azCount: 3 })).toThrow("network.azCount 3 is more than the 2 availability zones of us-west-1");
  });
});
