import { TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { EphemeralRandomPassword } from "../../constructs/ephemeral-random-password";

function synth(build: (scope: Construct) => void): Record<string, any> {
  const stack = new TerraformStack(Testing.app(), "test");
  build(stack);
  return JSON.parse(Testing.synth(stack));
}

describe("EphemeralRandomPassword", () => {
  it("writes an ephemeral block and hands out its random_password reference", () => {
    let value = "";
    const parsed = synth((scope) => {
      value = new EphemeralRandomPassword(new Construct(scope, "web"), "key", { passwordLength: 64, excludePunctuation: true }).value;
    });
    const blocks = parsed.ephemeral.aws_secretsmanager_random_password;
    const [name] = Object.keys(blocks);
    expect(name).toMatch(/^key_[0-9A-F]{8}$/);
    expect(blocks[name]).toEqual({ password_length: 64, exclude_punctuation: true, include_space: false, require_each_included_type: true });
    expect(value).toBe(`\${ephemeral.aws_secretsmanager_random_password.${name}.random_password}`);
    expect(parsed.data).toBeUndefined();
  });

  it("gives two passwords with the same id in different scopes different names", () => {
    const parsed = synth((scope) => {
      new EphemeralRandomPassword(new Construct(scope, "a"), "value", { passwordLength: 32 });
      new EphemeralRandomPassword(new Construct(scope, "b"), "value", { passwordLength: 32 });
    });
    expect(Object.keys(parsed.ephemeral.aws_secretsmanager_random_password)).toHaveLength(2);
  });

  it.each([0, 4097, 12.5])("fails when passwordLength is %s", (passwordLength) => {
    expect(() => synth((scope) => new EphemeralRandomPassword(scope, "key", { passwordLength }))).toThrow(
      `EphemeralRandomPassword key: passwordLength must be a whole number from 1 to 4096, got ${passwordLength}`,
    );
  });
});
