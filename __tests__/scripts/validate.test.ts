/** scripts/validate: which mirror build validates which provider, and the CLI config it writes. */
import { chooseProviders, cliConfig, fullSource, type MirrorBuild } from "../../scripts/validate/validate";

const BUILDS: MirrorBuild[] = [
  { source: "hashicorp/aws", version: "5.100.0" },
  { source: "hashicorp/aws", version: "6.47.1" },
  { source: "hashicorp/aws", version: "6.9.0" },
  { source: "kreuzwerker/docker", version: "4.6.1" },
];

describe("validate's provider choice", () => {
  it("takes the newest build of the pinned major, comparing versions numerically", () => {
    expect(chooseProviders({ aws: { source: "aws", version: "6.25.0" } }, BUILDS)).toEqual([
      { name: "aws", source: "hashicorp/aws", pinned: "6.25.0", used: "6.47.1", otherMajor: false },
    ]);
    expect(chooseProviders({ aws: { source: "hashicorp/aws", version: "~> 5.0" } }, BUILDS)[0].used).toBe("5.100.0");
  });

  it("falls back to another major only when the mirror has none of the pinned one, and flags it", () => {
    expect(chooseProviders({ docker: { source: "kreuzwerker/docker", version: "3.6.2" } }, BUILDS)[0]).toMatchObject({ used: "4.6.1", otherMajor: true });
  });

  it("fails naming the provider when the mirror has no build of it", () => {
    expect(() => chooseProviders({ random: { source: "hashicorp/random", version: "3.6.0" } }, BUILDS)).toThrow(
      'no build of hashicorp/random in the mirror for provider "random" (pinned 3.6.0): run bash scripts/validate/build-providers.sh',
    );
  });

  it("resolves short sources as Terraform does and allows only the mirror in the CLI config", () => {
    expect(fullSource("aws")).toBe("hashicorp/aws");
    expect(fullSource("registry.terraform.io/kreuzwerker/docker")).toBe("kreuzwerker/docker");
    const config = cliConfig("/m");
    expect(config).toContain('filesystem_mirror {\n    path    = "/m"');
    expect(config).not.toMatch(/direct|network_mirror/);
  });
});
