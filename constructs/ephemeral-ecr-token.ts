/**
 * An ECR authorization token of the account's default registry as a Terraform
 * ephemeral resource: fetched while Terraform runs, never written to state or to a
 * saved plan (the data source of the same name keeps the 12-hour token in both).
 * Provider configuration may use ephemeral values, which is where the Docker
 * provider's `registry_auth` takes it.
 *
 * cdktf 0.21 has no ephemeral block type: the block is written with an override, like
 * constructs/ephemeral-random-password.ts.
 *
 * @example
 * const token = new EphemeralEcrToken(this, "registry-token");
 * new DockerProvider(this, "docker", { registryAuth: [{ address: token.registry, username: token.userName, password: token.password }] });
 *
 * https://registry.terraform.io/providers/hashicorp/aws/latest/docs/ephemeral-resources/ecr_authorization_token
 */
import { Construct } from "constructs";
import { TerraformStack } from "cdktf";

/** Terraform type of the ephemeral resource. */
export const EPHEMERAL_ECR_TOKEN_TYPE = "aws_ecr_authorization_token";

export class EphemeralEcrToken extends Construct {
  /** The ephemeral block's name in the stack. */
  public readonly name: string;
  /** The registry host (`<account>.dkr.ecr.<region>.amazonaws.com`, without https://). */
  public readonly registry: string;
  /** The user name for `docker login` ("AWS"). */
  public readonly userName: string;
  /** The password for `docker login`: ephemeral, for provider configuration or write-only arguments only. */
  public readonly password: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.name = `${this.node.id.replace(/[^A-Za-z0-9_-]/g, "_")}_${this.node.addr.slice(0, 8).toUpperCase()}`;
    // An empty block: the token of the default registry of the provider's account and region.
    TerraformStack.of(this).addOverride(`ephemeral.${EPHEMERAL_ECR_TOKEN_TYPE}.${this.name}`, {});
    const attr = (name: string) => `ephemeral.${EPHEMERAL_ECR_TOKEN_TYPE}.${this.name}.${name}`;
    this.registry = `\${replace(${attr("proxy_endpoint")}, "https://", "")}`;
    this.userName = `\${${attr("user_name")}}`;
    this.password = `\${${attr("password")}}`;
  }
}
