/**
 * Which application image repository each stage pulls from, and whether it can.
 *
 * A stage takes its repository from its own `appImageRepository` setting, else from
 * APP_IMAGE_REPOSITORY, else from a placeholder in its region (synthesizes, does not
 * deploy). The repository must be an ECR repository URI
 * (`<account>.dkr.ecr.<region>.amazonaws.com/<name>`: the execution role's pull
 * permission is limited to it) in the stage's own region: a stage that pulled across
 * regions would pay inter-region transfer on every task start and fail to start while
 * the other region is down. A stage in another region gets a replica of the
 * repository there (ECR cross-region replication, docs/CONFIG.md) and names it in
 * `appImageRepository`.
 *
 * @example
 * appImageRepositoryFor({ name: "qa", region: "us-east-1" }, {}).repository;
 * // "000000000000.dkr.ecr.us-east-1.amazonaws.com/django-faq"
 */

/** `<account>.dkr.ecr.<region>.amazonaws.com[.cn]/<name>`; groups: account, region, name. */
export const ECR_REPOSITORY_URI = /^(\d{12})\.dkr\.ecr\.([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d)\.amazonaws\.com(?:\.cn)?\/([a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*)$/;

/** The placeholder repository in a region (account 000000000000 does not exist). */
export function placeholderRepository(region: string): string {
  return `000000000000.dkr.ecr.${region}.amazonaws.com/django-faq`;
}

/** A stage's repository and where it came from, or the problem with it. */
export interface RepositoryChoice {
  /** The repository URI the stage's tasks pull from. */
  readonly repository: string;
  /** Where it was set: the stage setting's path, "APP_IMAGE_REPOSITORY", or "placeholder". */
  readonly source: string;
  /** Why the stage cannot use it (a predicate for "<source>: <value> ..."), if it cannot. */
  readonly problem?: string;
}

/** Picks and checks the repository of one stage. */
export function appImageRepositoryFor(
  stage: { readonly name: string; readonly region: string; readonly appImageRepository?: string },
  env: Readonly<Record<string, string | undefined>>,
): RepositoryChoice {
  const [repository, source] = stage.appImageRepository
    ? [stage.appImageRepository, `${stage.name}.appImageRepository`]
    : env.APP_IMAGE_REPOSITORY
      ? [env.APP_IMAGE_REPOSITORY, "APP_IMAGE_REPOSITORY"]
      : [placeholderRepository(stage.region), "placeholder"];
  const match = ECR_REPOSITORY_URI.exec(repository);
  if (!match) {
    return { repository, source, problem: "is not an ECR repository URI (<account>.dkr.ecr.<region>.amazonaws.com/<name>, no tag)" };
  }
  if (match[2] !== stage.region) {
    const fix =
      source === "APP_IMAGE_REPOSITORY"
        ? `set ${stage.name}.appImageRepository to a repository in ${stage.region} (a replica: docs/CONFIG.md, "Application image")`
        : `use a repository in ${stage.region} (a replica: docs/CONFIG.md, "Application image")`;
    return { repository, source, problem: `is in ${match[2]}, but stage ${stage.name} runs in ${stage.region}: ${fix}` };
  }
  return { repository, source };
}
