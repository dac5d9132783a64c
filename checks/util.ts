/**
 * Readers over synthesized Terraform JSON shared by the rules. Pure functions.
 */
import { nonCompliant, outcomeOf, type Outcome, type SynthResource, type SynthStack } from "./types";

/** A nested block as a list: cdktf writes a single block as an object and repeated blocks as an array. */
export function blocks(value: unknown): Record<string, any>[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.filter((b): b is Record<string, any> => b !== null && typeof b === "object");
}

/** A list attribute as a list (a lone string becomes a one-element list). */
export function list(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** Terraform booleans may be synthesized as `true` or `"true"`. */
export function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}

/** Every resource of a type in the stack, as [name, attributes]. */
export function resourcesOf(stack: SynthStack, type: string): [string, Record<string, any>][] {
  return Object.entries(stack.resource?.[type] ?? {});
}

/** The name `x` in a reference `${<type>.x.<attribute>}` (any attribute when omitted), else undefined. */
export function referencedName(value: unknown, type: string, attributes?: readonly string[]): string | undefined {
  if (typeof value !== "string") return undefined;
  const match = /^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)\}$/.exec(value);
  if (!match || match[1] !== type) return undefined;
  if (attributes && !attributes.includes(match[3])) return undefined;
  return match[2];
}

/** A container definition of an ECS task definition (the ECS API's camelCase JSON). */
export type ContainerDefinition = Record<string, any> & { readonly name?: string };

/**
 * The containers of an aws_ecs_task_definition. `container_definitions` is a JSON
 * string; one built with Terraform's `jsonencode(...)` cannot be read at synthesis
 * and is reported as an error (build it with JSON.stringify instead).
 */
export function containersOf(resource: SynthResource): { containers: ContainerDefinition[] } | { error: string } {
  const raw = resource.attributes.container_definitions;
  if (typeof raw !== "string") return { error: "container_definitions is missing or not a string" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { error: "container_definitions is not a JSON literal (build it with JSON.stringify, not Fn.jsonencode), so it cannot be checked" };
  }
  if (!Array.isArray(parsed)) return { error: "container_definitions is not a JSON array" };
  return { containers: parsed.filter((c) => c !== null && typeof c === "object") };
}

/** `container "web"` (or `container #2` when unnamed), for details. */
export function containerLabel(container: ContainerDefinition, index: number): string {
  return typeof container.name === "string" ? `container "${container.name}"` : `container #${index + 1}`;
}

/**
 * Runs `problem` over every container of a task definition: not applicable to other
 * types; non-compliant when the definitions cannot be read.
 */
export function checkContainers(
  resource: SynthResource,
  problem: (container: ContainerDefinition, label: string) => string | undefined,
): Outcome {
  if (resource.type !== "aws_ecs_task_definition") return "not-applicable";
  const read = containersOf(resource);
  if ("error" in read) return nonCompliant(read.error);
  const problems: string[] = [];
  read.containers.forEach((c, i) => {
    const found = problem(c, containerLabel(c, i));
    if (found !== undefined) problems.push(found);
  });
  return outcomeOf(problems);
}
