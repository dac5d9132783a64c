/** scripts/validate/emulator: what the emulator plan changes in a scratch copy of a stack, and nothing else. */
import { ENDPOINT_SERVICES, forEmulator, IMAGE_PLACEHOLDER } from "../../scripts/validate/emulator";
import { synthStage } from "../helpers/stages";

describe("the emulator's scratch copy of production", () => {
  const { parsed } = synthStage("production");
  const { stack, changes } = forEmulator(JSON.parse(JSON.stringify(parsed)), "http://127.0.0.1:5000", { aws: "6.47.1" });

  it("points every AWS endpoint at the emulator and drops the backend", () => {
    expect(stack.provider.aws[0].endpoints).toEqual([Object.fromEntries(ENDPOINT_SERVICES.map((s) => [s, "http://127.0.0.1:5000"]))]);
    expect(stack.provider.aws[0].region).toBe(parsed.provider!.aws[0].region);
    expect(stack.terraform.backend).toBeUndefined();
    expect(stack.terraform.required_providers.aws.version).toBe("6.47.1");
  });

  it("leaves out the docker resources and provider, replacing references to the image, and says so", () => {
    const text = JSON.stringify(stack);
    expect(text).not.toMatch(/\$\{docker_/);
    expect(text).toContain(IMAGE_PLACEHOLDER);
    expect(Object.keys(stack.resource).filter((t) => t.startsWith("docker_"))).toEqual([]);
    expect(stack.provider.docker).toBeUndefined();
    expect(changes.map((c) => c.what)).toEqual(["docker resources left out", "backend", "aws provider"]);
  });

  it("keeps every AWS resource, unchanged", () => {
    for (const [type, byName] of Object.entries(parsed.resource)) {
      if (type.startsWith("docker_")) continue;
      expect(Object.keys(stack.resource[type])).toEqual(Object.keys(byName));
    }
    expect(stack.resource.aws_route53_record).toEqual(parsed.resource.aws_route53_record);
  });
});
