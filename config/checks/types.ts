/**
 * The shape of a config check: a pure function over one stage (parsed as far as it
 * could be, see config/partial.ts) reporting problems by path. A check that reads a
 * field which did not parse stops there (Unparsed); the loader runs the rest.
 */
import type { StageConfig } from "../schema";

/** Reports one problem: the path of the field to change and a predicate ("is not ..."). */
export type Problem = (path: (string | number)[], message: string) => void;

/** One rule over one stage. */
export type StageCheck = (stage: StageConfig, problem: Problem) => void;
