/**
 * The nginx sidecar's image: an ECR repository (immutable tags, scan on push,
 * KMS encryption, a lifecycle policy keeping the last N images) and the image
 * built from a local folder (nginx/) and pushed with the Docker provider,
 * authenticated with an ECR authorization token.
 *
 * The tag is a content hash of the folder computed at synthesis: a change to any
 * file gives a new tag (so the task definition changes and the service rolls out),
 * an unchanged folder gives the same tag (no build, no deployment).
 *
 * The build context is written into the synthesized JSON relative to the stack's
 * folder (cdktf.out/stacks/<stack>/), where Terraform runs, never as an absolute
 * path of the machine that synthesized. Planning needs a Docker engine.
 *
 * @example
 * const nginxImage = new NginxImage(this, "nginx-image", {
 *   repositoryName: "faq-prod-nginx", imagesRetained: 20, preventDestroy: true,
 * });
 * // nginxImage.imageUri -> "<account>.dkr.ecr.<region>.amazonaws.com/faq-prod-nginx:<hash>"
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { Construct } from "constructs";
import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { Image } from "@cdktf/provider-docker/lib/image";
import { RegistryImage } from "@cdktf/provider-docker/lib/registry-image";
import { EphemeralEcrToken } from "./ephemeral-ecr-token";

export interface NginxImageProps {
  /** ECR repository name. */
  readonly repositoryName: string;
  /** Images kept by the lifecycle policy (older ones expire). */
  readonly imagesRetained: number;
  /**
   * The project folder: it holds the build context and cdktf.out/.
   * @default - the current working directory (npm run synth, cdktf and jest all run from the project root)
   */
  readonly projectRoot?: string;
  /**
   * Folder built (Dockerfile at its root), read and hashed at synthesis.
   * @default `${projectRoot}/nginx`
   */
  readonly contextDirectory?: string;
  /**
   * Where stack folders are, relative to projectRoot: Terraform runs in `<stacksDirectory>/<stack>`.
   * @default "cdktf.out/stacks"
   */
  readonly stacksDirectory?: string;
  /**
   * Platform built for; must match the task's CPU architecture.
   * @default "linux/amd64"
   */
  readonly platform?: string;
  /**
   * KMS key encrypting the repository.
   * @default - the AWS managed key aws/ecr (still KMS encryption)
   */
  readonly kmsKeyArn?: string;
  /**
   * Refuse `terraform destroy` of the repository (lifecycle prevent_destroy).
   * @default false
   */
  readonly preventDestroy?: boolean;
}

/** The first 16 hex characters of sha256 over every file's relative path (sorted, '/'-separated) and content. */
export function contentHash(directory: string): string {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) files.push(path.relative(directory, full).split(path.sep).join("/"));
    }
  };
  walk(directory);
  files.sort();
  const hash = crypto.createHash("sha256");
  for (const file of files) {
    // Lengths delimit the fields, so moving bytes between a name and a content changes the hash.
    const content = fs.readFileSync(path.join(directory, file));
    hash.update(`${Buffer.byteLength(file)}:${file}\n${content.length}:`);
    hash.update(content);
    hash.update("\n");
  }
  return hash.digest("hex").slice(0, 16);
}

export class NginxImage extends Construct {
  /** The ECR repository. */
  public readonly repository: EcrRepository;
  /** Its lifecycle policy. */
  public readonly lifecyclePolicy: EcrLifecyclePolicy;
  /** The image built locally by the Docker provider. */
  public readonly image: Image;
  /** The image pushed to ECR; `imageUri` refers to it, so task definitions wait for the push. */
  public readonly registryImage: RegistryImage;
  /** Content hash of the build context: the image tag. */
  public readonly tag: string;
  /** `<repository url>:<tag>`, for a container definition. */
  public readonly imageUri: string;
  /** The build context as written in the synthesized JSON (relative to the stack folder). */
  public readonly buildContext: string;

  constructor(scope: Construct, id: string, props: NginxImageProps) {
    super(scope, id);
    const projectRoot = path.resolve(props.projectRoot ?? process.cwd());
    const contextDirectory = path.resolve(projectRoot, props.contextDirectory ?? "nginx");
    const stacksDirectory = props.stacksDirectory ?? "cdktf.out/stacks";
    const platform = props.platform ?? "linux/amd64";
    const preventDestroy = props.preventDestroy ?? false;

    if (!Number.isInteger(props.imagesRetained) || props.imagesRetained < 1) {
      throw new Error(`NginxImage ${id}: imagesRetained must be a whole number >= 1, got ${props.imagesRetained}`);
    }
    if (!fs.existsSync(path.join(contextDirectory, "Dockerfile"))) {
      throw new Error(`NginxImage ${id}: contextDirectory "${contextDirectory}" has no Dockerfile`);
    }
    if (path.isAbsolute(stacksDirectory)) {
      throw new Error(`NginxImage ${id}: stacksDirectory must be relative to projectRoot, got "${stacksDirectory}"`);
    }
    // Any stack name: only the depth matters.
    const stackFolder = path.join(projectRoot, stacksDirectory, "stack");
    this.buildContext = path.relative(stackFolder, contextDirectory).split(path.sep).join("/");
    if (path.isAbsolute(this.buildContext)) {
      throw new Error(`NginxImage ${id}: contextDirectory "${contextDirectory}" cannot be reached relatively from ${stackFolder}`);
    }
    this.tag = contentHash(contextDirectory);

    this.repository = new EcrRepository(this, "repository", {
      name: props.repositoryName,
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [{ encryptionType: "KMS", kmsKey: props.kmsKeyArn }],
      forceDelete: false,
      lifecycle: preventDestroy ? { preventDestroy: true } : undefined,
    });
    this.lifecyclePolicy = new EcrLifecyclePolicy(this, "lifecycle-policy", {
      repository: this.repository.name,
      policy: JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            description: `Keep the last ${props.imagesRetained} images`,
            selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: props.imagesRetained },
            action: { type: "expire" },
          },
        ],
      }),
    });

    // Ephemeral: the push credentials are in neither state nor the saved plan.
    const token = new EphemeralEcrToken(this, "registry-token");
    new DockerProvider(this, "docker", {
      registryAuth: [{ address: token.registry, username: token.userName, password: token.password }],
    });

    const name = `${this.repository.repositoryUrl}:${this.tag}`;
    this.image = new Image(this, "image", {
      name,
      platform,
      keepLocally: false,
      buildAttribute: { context: this.buildContext, dockerfile: "Dockerfile", platform },
      triggers: { contentHash: this.tag },
    });
    this.registryImage = new RegistryImage(this, "registry-image", {
      name: this.image.name,
      // Tags are immutable and the lifecycle policy prunes: a new tag never deletes the image running now.
      keepRemotely: true,
      triggers: { contentHash: this.tag },
    });
    this.imageUri = this.registryImage.name;
  }
}
