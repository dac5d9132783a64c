/**
 * Qdrant version rules shared by the config schema and QdrantService.
 */

/**
 * Oldest Qdrant that writes snapshots to S3 with the ECS task role's credentials:
 * before it, Qdrant built its S3 client without the AWS environment and needed static
 * access keys (qdrant/qdrant#6757, "Enable pod role based auth for s3 snapshots").
 */
export const MIN_QDRANT_VERSION = "v1.15.0";

/** Compares two vX.Y.Z versions: negative when a < b, zero when equal, positive when a > b. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.replace(/^v/, "").split(".").map(Number);
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}
