/** scripts/stage-config: the values workflows read from the stage config. */
import { stages } from "../../config/stages";
import { stageValue } from "../../scripts/stage-config/value";
import { STAGE_NAMES, validStages } from "../helpers/stages";

describe.each(STAGE_NAMES)("stage %s", (name) => {
  const stage = validStages().find((s) => s.name === name)!;

  it("gives the region and the health-check path the deploy workflow uses", () => {
    expect(stageValue(stages, name, "region")).toEqual({ value: stage.region });
    expect(stageValue(stages, name, "web.healthCheck.path")).toEqual({ value: stage.web.healthCheck.path });
  });

  it("prints non-strings as JSON", () => {
    expect(stageValue(stages, name, "production")).toEqual({ value: String(stage.production) });
  });

  it("fails when the path does not exist, naming it", () => {
    expect(stageValue(stages, name, "web.nope")).toEqual({ error: `${name}.web.nope: no such setting` });
  });
});

it("fails when the stage does not exist, naming it", () => {
  expect(stageValue(stages, "dev", "region")).toEqual({ error: `unknown stage "dev" (configured: ${Object.keys(stages).join(", ")})` });
});
