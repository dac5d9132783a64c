/**
 * Partial parsing, so the rules that span fields (and stages) run on whatever
 * parsed, not only on sections that are valid as a whole: one run reports a
 * field error and the cross-field problems of the same section.
 *
 * `partialParse(schema, input)` returns the parsed value when the input is valid.
 * Otherwise, for an object schema, it returns a guarded object holding every field
 * that parsed on its own (defaults applied, nested objects parsed the same way);
 * reading a field that did not parse throws `Unparsed`. `runGuarded` runs a rule
 * and treats `Unparsed` as "this rule cannot judge": a rule never reasons on a
 * value that already failed its own check, and never sees a raw, unvalidated one.
 *
 * @example
 * const stage = partialParse(stageFieldsSchema, raw.staging); // web.cpu broken, web.minTasks fine
 * runGuarded(() => rule(stage));                                // runs; stops quietly if it reads web.cpu
 */
import type { z } from "zod";

/** Thrown when a rule reads a field that did not parse. */
export class Unparsed extends Error {
  constructor(public readonly field: string) {
    super(`${field} did not parse`);
    this.name = "Unparsed";
  }
}

/** Returned by partialParse for an input it cannot use at all. */
export const INVALID: unique symbol = Symbol("invalid");

type Def = { type: string; innerType?: z.ZodType; in?: z.ZodType; shape?: Record<string, z.ZodType> };
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The object schema under optional/default/nullable/pipe wrappers, if there is one. */
function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  let def = defOf(schema);
  while (["optional", "default", "prefault", "nullable", "pipe"].includes(def.type)) {
    const inner = def.innerType ?? def.in;
    if (!inner) return undefined;
    def = defOf(inner);
  }
  return def.type === "object" ? def.shape : undefined;
}

/** The input parsed, or its parsable part guarded against reads of the rest, or INVALID. */
export function partialParse(schema: z.ZodType, input: unknown): unknown {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const shape = objectShape(schema);
  if (!shape || input === null || typeof input !== "object" || Array.isArray(input)) return INVALID;
  const parsed: Record<string, unknown> = {};
  const failed = new Set<string>();
  for (const [key, child] of Object.entries(shape)) {
    const value = partialParse(child, (input as Record<string, unknown>)[key]);
    if (value === INVALID) failed.add(key);
    else if (value !== undefined) parsed[key] = value;
  }
  return new Proxy(parsed, {
    get(target, key, receiver) {
      if (typeof key === "string" && failed.has(key)) throw new Unparsed(key);
      return Reflect.get(target, key, receiver);
    },
  });
}

/** Runs `check`; a read of a field that did not parse ends it quietly. Other errors propagate. */
export function runGuarded(check: () => void): void {
  try {
    check();
  } catch (error) {
    if (!(error instanceof Unparsed)) throw error;
  }
}
