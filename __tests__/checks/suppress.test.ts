/** suppress(): the only way to make an exception, recorded in the synthesized JSON. */
import { Testing, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { suppress, SuppressionError } from "../../checks/suppress";
import { PrivateBucket } from "../../constructs/private-bucket";

const reason = "Flow logs are exported nightly to the archive account, which keeps them for seven years.";

/** Synthesizes a real app (Testing.synth drops the "//" metadata) and returns the stack's JSON. */
function synthWith(add: (stack: TerraformStack) => void): any {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "suppress-test-"));
  try {
    const app = new App({ outdir, stackTraces: false });
    const stack = new TerraformStack(app, "production");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    add(stack);
    app.synth();
    return JSON.parse(fs.readFileSync(path.join(outdir, "stacks/production/cdk.tf.json"), "utf8"));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

describe("suppress", () => {
  it("records the rule and reason under the resource's \"//\" comment key, beside cdktf's metadata", () => {
    const json = synthWith((stack) => {
      const logs = new CloudwatchLogGroup(stack, "flow-logs", { name: "/x" });
      suppress(logs, "DFP-LOG-2", reason);
      suppress(logs, "DFP-LOG-1", `${reason} `);
    });
    const comment = json.resource.aws_cloudwatch_log_group["flow-logs"]["//"];
    expect(comment.metadata.path).toBe("production/flow-logs");
    expect(comment.policy_suppressions).toEqual([
      { rule_id: "DFP-LOG-2", reason },
      { rule_id: "DFP-LOG-1", reason },
    ]);
  });

  it("applies to every Terraform resource inside a construct", () => {
    const json = synthWith((stack) => {
      const bucket = new PrivateBucket(stack, "archive", { bucketName: "faq-archive" });
      suppress(bucket, "DFP-PROD-1", reason);
    });
    const bucket = Object.values(json.resource.aws_s3_bucket)[0] as any;
    const policy = Object.values(json.resource.aws_s3_bucket_policy)[0] as any;
    expect(bucket["//"].policy_suppressions).toEqual([{ rule_id: "DFP-PROD-1", reason }]);
    expect(policy["//"].policy_suppressions).toEqual([{ rule_id: "DFP-PROD-1", reason }]);
  });

  it.each(["", "legacy", "not needed here", "   too short padded    "])("fails when the reason is %j, naming the rule and the construct path", (bad) => {
    const stack = new TerraformStack(Testing.app(), "production");
    const logs = new CloudwatchLogGroup(stack, "flow-logs", { name: "/x" });
    expect(() => suppress(logs, "DFP-LOG-2", bad)).toThrow(SuppressionError);
    expect(() => suppress(logs, "DFP-LOG-2", bad)).toThrow(/^suppress\(production\/flow-logs, DFP-LOG-2\): the reason .*full sentence/);
  });

  it("fails when the rule does not exist, listing the known ids", () => {
    const stack = new TerraformStack(Testing.app(), "production");
    const logs = new CloudwatchLogGroup(stack, "flow-logs", { name: "/x" });
    expect(() => suppress(logs, "DFP-LOG-9", reason)).toThrow(/suppress\(production\/flow-logs, DFP-LOG-9\): no such rule \(known: DFP-ECS-1, /);
  });

  it("fails when the construct holds no Terraform resource", () => {
    const stack = new TerraformStack(Testing.app(), "production");
    expect(() => suppress(new Construct(stack, "empty"), "DFP-LOG-2", reason)).toThrow(/suppress\(production\/empty, DFP-LOG-2\): the construct holds no Terraform resource/);
  });
});
