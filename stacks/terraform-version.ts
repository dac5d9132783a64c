/**
 * The oldest Terraform the stage stacks are written for, in one place: their
 * `terraform.required_version`, and the `targetVersions` context of the App. CDK Terrain
 * (cdktn) checks the provider features a stack uses against that context at synth time
 * (write-only arguments need Terraform >= 1.11) and, without it, assumes every Terraform
 * since 1.5.7; cdktf ignores the key. docs/cdktn.md
 *
 * @example
 * new App({ outdir, context: TARGET_VERSIONS_CONTEXT });
 * stack.addOverride("terraform.required_version", TERRAFORM_REQUIRED_VERSION);
 */

/** Oldest Terraform release the stage stacks accept (write-only arguments, ephemeral resources). */
export const MIN_TERRAFORM_VERSION = "1.11.0";

/** `terraform.required_version` of the stage stacks (Terraform constraint syntax). */
export const TERRAFORM_REQUIRED_VERSION = `>= ${MIN_TERRAFORM_VERSION}`;

/** App context declaring the Terraform releases targeted (an npm semver range, as cdktn reads it). */
export const TARGET_VERSIONS_CONTEXT: Readonly<Record<string, unknown>> = {
  targetVersions: { terraform: `>=${MIN_TERRAFORM_VERSION}` },
};
