/**
 * One value of a stage's validated configuration, by dotted path.
 *
 * @example
 * stageValue(stages, "production", "web.healthCheck.path"); // { value: "/health/" }
 */
import { loadStages } from "../../config/load";

/** The value at `dottedPath` of stage `stageName` (strings as they are, anything else as JSON), or an error. */
export function stageValue(
  raw: Readonly<Record<string, unknown>>,
  stageName: string,
  dottedPath: string,
): { value: string } | { error: string } {
  const stage = loadStages(raw).find((s) => s.name === stageName);
  if (!stage) return { error: `unknown stage ${JSON.stringify(stageName)} (configured: ${Object.keys(raw).join(", ")})` };
  let current: unknown = stage;
  for (const key of dottedPath.split(".")) {
    if (current === null || typeof current !== "object" || !(key in current)) {
      return { error: `${stageName}.${dottedPath}: no such setting` };
    }
    current = (current as Record<string, unknown>)[key];
  }
  return { value: typeof current === "string" ? current : JSON.stringify(current) };
}
