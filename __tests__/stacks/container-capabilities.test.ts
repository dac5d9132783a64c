/**
 * Every container of every task definition in every stage drops ALL Linux capabilities
 * and adds none back, read from the synthesized JSON (the same property DFP-ECS-8
 * enforces at synthesis; this test proves the real stages hold it and counts them).
 */
import { resources, synthStage, STAGE_NAMES } from "../helpers/stages";

describe.each(STAGE_NAMES)("%s: container capabilities", (stageName) => {
  const { parsed } = synthStage(stageName);
  const containers = resources(parsed, "aws_ecs_task_definition").flatMap(([task, def]) =>
    (JSON.parse(def.container_definitions) as any[]).map((c) => ({ task, name: c.name as string, linuxParameters: c.linuxParameters })),
  );

  it("finds the web, static-files, nginx, migrate, qdrant and snapshot-trigger containers", () => {
    expect(containers.length).toBeGreaterThanOrEqual(6);
  });

  it('gives every container capabilities { drop: ["ALL"] } and no add', () => {
    const wrong = containers.filter((c) => JSON.stringify(c.linuxParameters?.capabilities) !== JSON.stringify({ drop: ["ALL"] }));
    expect(wrong.map((c) => `${c.task}/${c.name}: ${JSON.stringify(c.linuxParameters?.capabilities)}`)).toEqual([]);
  });
});
