/**
 * Sizing arithmetic shared by the config checks and the constructs: Fargate's
 * CPU/memory combinations, Gunicorn's worker count and PostgreSQL's connection
 * limit per RDS instance class.
 */

/** Fargate task sizes: CPU units -> allowed memory range and step, in MiB. */
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
const FARGATE_MEMORY: Record<number, { min: number; max: number; step: number }> = {
  256: { min: 512, max: 2048, step: 512 },
  512: { min: 1024, max: 4096, step: 1024 },
  1024: { min: 2048, max: 8192, step: 1024 },
  2048: { min: 4096, max: 16384, step: 1024 },
  4096: { min: 8192, max: 30720, step: 1024 },
  8192: { min: 16384, max: 61440, step: 4096 },
  16384: { min: 32768, max: 122880, step: 8192 },
};

/** Memory sizes (MiB) Fargate accepts with `cpu` units; empty for a CPU size Fargate does not have. */
export function fargateMemoryOptions(cpu: number): number[] {
  const range = FARGATE_MEMORY[cpu];
  if (!range) return [];
  // 256 CPU units take 512, 1024 and 2048 MiB, but not 1536.
  if (cpu === 256) return [512, 1024, 2048];
  const options: number[] = [];
  for (let m = range.min; m <= range.max; m += range.step) options.push(m);
  return options;
}

/** Undefined when (cpu, memoryMiB) is a Fargate task size; otherwise why not, showing the allowed values. */
export function fargateSizeProblem(cpu: number, memoryMiB: number): string | undefined {
  const options = fargateMemoryOptions(cpu);
  if (options.length === 0) return `cannot be matched: ${cpu} CPU units is not a Fargate size`;
  if (options.includes(memoryMiB)) return undefined;
  const range = FARGATE_MEMORY[cpu];
  const allowed =
    options.length <= 5 ? options.join(", ") : `${range.min} to ${range.max} in steps of ${range.step}`;
  return `is not a Fargate size with ${cpu} CPU units (${cpu / 1024} vCPU): memory must be ${allowed} MiB`;
}

/** Gunicorn workers for a task of `cpu` units: floor(2 × vCPU) + 1, the Gunicorn docs' rule of thumb. */
export function gunicornWorkersFor(cpu: number): number {
  return Math.floor((2 * cpu) / 1024) + 1;
}

/** Connections kept free for superusers (RDS reserves 3 + 2), the migration task and an operator's shell. */
export const RESERVED_DB_CONNECTIONS = 10;

const GIB = 1024 ** 3;
const SIZE_STEPS = ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"];
const SIZE_MULTIPLIER: Record<string, number> = {
  large: 1, xlarge: 2, "2xlarge": 4, "4xlarge": 8, "8xlarge": 16, "12xlarge": 24, "16xlarge": 32,
};

/** Nominal memory (GiB) of an RDS instance class, or undefined if not in the table. */
export function rdsInstanceMemoryGiB(instanceClass: string): number | undefined {
  const match = /^db\.([a-z]+)(\d+)([a-z]*)\.([a-z0-9]+)$/.exec(instanceClass);
  if (!match) return undefined;
  const [, family, , , size] = match;
  if (family === "t") {
    const burstable: Record<string, number> = { micro: 1, small: 2, medium: 4, large: 8, xlarge: 16, "2xlarge": 32 };
    return burstable[size];
  }
  if (!SIZE_STEPS.includes(size)) return undefined;
  // General purpose (m) classes have 4 GiB per vCPU, memory optimized (r) 8 GiB: "large" has 2 vCPUs.
  if (family === "m") return 8 * SIZE_MULTIPLIER[size];
  if (family === "r") return 16 * SIZE_MULTIPLIER[size];
  return undefined;
}

/** PostgreSQL's connection limit on RDS and what is left for the application, with the arithmetic spelled out. */
export interface ConnectionLimit {
  readonly maxConnections: number;
  readonly usable: number;
  readonly explanation: string;
}

/**
 * RDS PostgreSQL's default `max_connections` is `LEAST(DBInstanceClassMemory/9531392, 5000)`.
 * DBInstanceClassMemory is taken as the class's nominal memory; RDS keeps some for
 * itself, so the real limit is slightly lower, which the reserve absorbs.
 */
export function postgresMaxConnections(instanceClass: string, override?: number): ConnectionLimit | undefined {
  if (override !== undefined) {
    const usable = override - RESERVED_DB_CONNECTIONS;
    return {
      maxConnections: override,
      usable,
      explanation: `database.maxConnections = ${override}, minus ${RESERVED_DB_CONNECTIONS} reserved = ${usable}`,
    };
  }
  const gib = rdsInstanceMemoryGiB(instanceClass);
  if (gib === undefined) return undefined;
  const bytes = gib * GIB;
  const maxConnections = Math.min(Math.floor(bytes / 9531392), 5000);
  const usable = maxConnections - RESERVED_DB_CONNECTIONS;
  return {
    maxConnections,
    usable,
    explanation:
      `max_connections = LEAST(DBInstanceClassMemory/9531392, 5000) = LEAST(${bytes}/9531392, 5000) = ${maxConnections} ` +
      `(${gib} GiB), minus ${RESERVED_DB_CONNECTIONS} reserved for superusers, migrations and operators = ${usable}`,
  };
}
