import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TerraformStack, Testing } from "cdktf";
import { contentHash, NginxImage } from "../../constructs/nginx-image";
import { resource, STAGE_NAMES, testApp, type Synth } from "../helpers/stages";
import { tempNginxContext, webFixtureOf } from "../helpers/web-fixture";

/** A throwaway project folder with an nginx/ build context. */
function tempProject(): { root: string; context: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "project-"));
  const context = path.join(root, "nginx");
  fs.mkdirSync(path.join(context, "templates"), { recursive: true });
  fs.writeFileSync(path.join(context, "Dockerfile"), "FROM nginxinc/nginx-unprivileged:1.27\n");
  fs.writeFileSync(path.join(context, "templates", "default.conf.template"), "server { listen 8080; }\n");
  return { root, context };
}

function synthImage(props: Partial<ConstructorParameters<typeof NginxImage>[2]>): { image: NginxImage; parsed: Synth } {
  const stack = new TerraformStack(testApp(), "staging");
  const image = new NginxImage(stack, "nginx-image", { repositoryName: "faq-stg-nginx", imagesRetained: 10, ...props });
  return { image, parsed: JSON.parse(Testing.synth(stack)) };
}

describe("content hash of the build context", () => {
  it("is 16 hex characters, stable while nothing changes", () => {
    const { context } = tempProject();
    const first = contentHash(context);
    expect(first).toMatch(/^[0-9a-f]{16}$/);
    expect(contentHash(context)).toBe(first);
    // Same files written again (new mtimes) and a copy elsewhere: same hash.
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), "copy-"));
    fs.cpSync(context, copy, { recursive: true });
    fs.utimesSync(path.join(copy, "Dockerfile"), new Date(0), new Date(0));
    expect(contentHash(copy)).toBe(first);
  });

  it("changes when a file's content, a file's name or the set of files changes", () => {
    const { context } = tempProject();
    const before = contentHash(context);
    const template = path.join(context, "templates", "default.conf.template");
    fs.writeFileSync(template, "server { listen 8080; gzip on; }\n");
    const edited = contentHash(context);
    expect(edited).not.toBe(before);
    fs.renameSync(template, path.join(context, "templates", "other.conf.template"));
    const renamed = contentHash(context);
    expect(renamed).not.toBe(edited);
    fs.writeFileSync(path.join(context, "extra.conf"), "");
    expect(contentHash(context)).not.toBe(renamed);
  });
});

describe("NginxImage", () => {
  it("builds from the context relative to the stack folder (../../../nginx), never an absolute path", () => {
    const { root, context } = tempProject();
    const { image, parsed } = synthImage({ projectRoot: root, contextDirectory: context });
    const built = resource(parsed, "docker_image");
    expect(built.build.context).toBe("../../../nginx");
    expect(image.buildContext).toBe("../../../nginx");
    expect(JSON.stringify(parsed)).not.toContain(root);
    // contextDirectory defaults to <projectRoot>/nginx
    expect(resource(synthImage({ projectRoot: root }).parsed, "docker_image").build.context).toBe("../../../nginx");
  });

  it("tags the image with the content hash, so a change rolls out and no change does not", () => {
    const { root, context } = tempProject();
    const hash = contentHash(context);
    const { image, parsed } = synthImage({ projectRoot: root });
    expect(image.tag).toBe(hash);
    expect(resource(parsed, "docker_image").name).toBe("${aws_ecr_repository.nginx-image_repository_EE2C5F7F.repository_url}:" + hash);
    expect(resource(parsed, "docker_registry_image")).toMatchObject({
      name: "${docker_image.nginx-image_EF88DDF7.name}",
      keep_remotely: true,
      triggers: { contentHash: hash },
    });
    const again = synthImage({ projectRoot: root }).parsed;
    expect(resource(again, "docker_image").name).toBe(resource(parsed, "docker_image").name);
    fs.appendFileSync(path.join(context, "Dockerfile"), "USER 101\n");
    expect(resource(synthImage({ projectRoot: root }).parsed, "docker_image").name).not.toBe(resource(parsed, "docker_image").name);
  });

  it("authenticates the Docker provider with an ephemeral ECR authorization token (in neither state nor plan)", () => {
    const { root } = tempProject();
    const { parsed } = synthImage({ projectRoot: root });
    const [auth] = parsed.provider.docker[0].registry_auth;
    expect(auth.username).toMatch(/^\$\{ephemeral\.aws_ecr_authorization_token\.[^.]+\.user_name\}$/);
    expect(auth.password).toMatch(/^\$\{ephemeral\.aws_ecr_authorization_token\.[^.]+\.password\}$/);
    expect(Object.keys(parsed.ephemeral.aws_ecr_authorization_token)).toHaveLength(1);
    expect(parsed.data?.aws_ecr_authorization_token).toBeUndefined();
    expect(auth.address).toMatch(/proxy_endpoint/);
    expect(parsed.terraform.required_providers.docker.source).toMatch(/docker$/);
  });

  it("fails when the context has no Dockerfile, naming the folder", () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "empty-"));
    expect(() => synthImage({ contextDirectory: empty })).toThrow(`NginxImage nginx-image: contextDirectory "${empty}" has no Dockerfile`);
  });

  it("fails when imagesRetained is below 1", () => {
    expect(() => synthImage({ contextDirectory: tempNginxContext(), imagesRetained: 0 })).toThrow("imagesRetained must be a whole number >= 1, got 0");
  });
});

describe.each(STAGE_NAMES)("nginx image repository of %s", (stageName) => {
  const { parsed, stage } = webFixtureOf(stageName);

  it("is immutable, scanned on push, KMS-encrypted, and keeps the last web.nginxImagesRetained images", () => {
    const repository = resource(parsed, "aws_ecr_repository");
    expect(repository).toMatchObject({
      name: `${stage.namePrefix}-nginx`,
      image_tag_mutability: "IMMUTABLE",
      image_scanning_configuration: { scan_on_push: true },
      encryption_configuration: [{ encryption_type: "KMS" }],
      force_delete: false,
    });
    expect(repository.lifecycle?.prevent_destroy ?? false).toBe(stage.production);
    const policy = JSON.parse(resource(parsed, "aws_ecr_lifecycle_policy").policy);
    expect(policy.rules).toEqual([
      expect.objectContaining({
        selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: stage.web.nginxImagesRetained },
        action: { type: "expire" },
      }),
    ]);
  });

  it("builds for the task's CPU architecture", () => {
    const expected = stage.web.cpuArchitecture === "ARM64" ? "linux/arm64" : "linux/amd64";
    expect(resource(parsed, "docker_image").build.platform).toBe(expected);
  });
});
