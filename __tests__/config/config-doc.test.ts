/** Keeps docs/CONFIG.md true: every field of the stage schema is documented there. */
import * as fs from "fs";
import * as path from "path";
import { stageFieldsSchema } from "../../config/schema";

function leafPaths(schema: any, prefix: string[] = []): string[] {
  let s = schema;
  while (s?._zod?.def && ["optional", "default", "nullable", "pipe"].includes(s._zod.def.type)) s = s._zod.def.innerType ?? s._zod.def.in;
  if (s?._zod?.def?.type === "object") {
    return Object.entries(s._zod.def.shape).flatMap(([key, child]) => leafPaths(child, [...prefix, key]));
  }
  return [prefix.join(".")];
}

it("documents every stage setting in docs/CONFIG.md", () => {
  const doc = fs.readFileSync(path.join(__dirname, "../../docs/CONFIG.md"), "utf8");
  const paths = leafPaths(stageFieldsSchema);
  expect(paths.length).toBeGreaterThan(80);
  expect(paths).toContain("web.healthCheck.intervalSeconds");
  expect(paths.filter((p) => !doc.includes("`" + p + "`"))).toEqual([]);
});
