/**
 * Instance types are checked against the tables in config/tables/instance-types.ts,
 * with the nearest known type suggested for a typo.
 */
import { didYouMean } from "../tables/closest";
import { CACHE_NODE_TYPES, RDS_POSTGRES_INSTANCE_CLASSES } from "../tables/instance-types";
import type { StageCheck } from "./types";

export const databaseInstanceClassIsKnown: StageCheck = ({ database }, problem) => {
  if (!RDS_POSTGRES_INSTANCE_CLASSES.includes(database.instanceClass)) {
    problem(
      ["database", "instanceClass"],
      `is not an RDS for PostgreSQL instance class in config/tables/instance-types.ts${didYouMean(database.instanceClass, RDS_POSTGRES_INSTANCE_CLASSES)}`,
    );
  }
};

export const cacheNodeTypeIsKnown: StageCheck = ({ cache }, problem) => {
  if (!CACHE_NODE_TYPES.includes(cache.nodeType)) {
    problem(["cache", "nodeType"], `is not an ElastiCache node type in config/tables/instance-types.ts${didYouMean(cache.nodeType, CACHE_NODE_TYPES)}`);
  }
};
