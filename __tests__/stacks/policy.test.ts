/**
 * The policy pack at synthesis: a deliberately broken construct inside a stage makes
 * synthesize() (and so `npm run synth`, `cdktf synth`, `cdktf deploy`) refuse, with the
 * rule id and the construct path, and write nothing; the real stages pass.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import type { Stage } from "../../config/load";
import { PolicyViolationError, type PackReport } from "../../checks/pack";
import { buildApp, policyStageOf, runSynth, synthesize } from "../../stacks/platform-app";
import type { StageStack } from "../../stacks/stage-stack";
import { rawStages, STAGE_NAMES, validStages } from "../helpers/stages";

const scratchDirs: string[] = [];
function freshOutdir(): string {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), "policy-test-"));
  scratchDirs.push(parent);
  return path.join(parent, "cdktf.out");
}
afterAll(() => scratchDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** The broken builds need only the stage they break (and the bootstrap stack): half the synthesis. */
const productionOnly = () => validStages().filter((s) => s.production);

/** buildApp plus, in the production stage, a log group without retention and a security group open to the world on 22. */
function buildBroken(app: App, stages: readonly Stage[]): void {
  const stacks = buildApp(app, stages);
  const production = stacks.find((s) => s.stage.production) as StageStack;
  new CloudwatchLogGroup(production, "broken-logs", { name: "/broken", kmsKeyId: production.logsKey.key.arn });
  const sg = new SecurityGroup(production, "broken-sg", { name: "broken", vpcId: production.network.vpc.id });
  new VpcSecurityGroupIngressRule(production, "broken-ssh", {
    securityGroupId: sg.id,
    ipProtocol: "tcp",
    fromPort: 22,
    toPort: 22,
    cidrIpv4: "0.0.0.0/0",
  });
}

describe("synthesize with the policy pack", () => {
  it("fails when a construct breaks a rule, naming the rule id, the construct path and the fix, and writes nothing", () => {
    const outdir = freshOutdir();
    let error: unknown;
    try {
      synthesize(productionOnly(), outdir, buildBroken);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PolicyViolationError);
    const violation = error as PolicyViolationError;
    expect(violation.violations.map((v) => [v.ruleId, v.path])).toEqual([
      ["DFP-LOG-2", "production/broken-logs"],
      ["DFP-SG-1", "production/broken-ssh"],
    ]);
    expect(violation.message).toContain("production/broken-logs (aws_cloudwatch_log_group.broken-logs)\n    DFP-LOG-2:");
    expect(violation.message).toContain("found: rule admits port 22 from 0.0.0.0/0");
    expect(violation.message).toContain("fix: set retention_in_days = stage.logRetentionDays");
    expect(fs.existsSync(outdir)).toBe(false);
  });

  it("leaves an existing output folder untouched when the policy fails", () => {
    const outdir = freshOutdir();
    fs.mkdirSync(outdir, { recursive: true });
    fs.writeFileSync(path.join(outdir, "previous.txt"), "earlier synth");
    expect(() => synthesize(productionOnly(), outdir, buildBroken)).toThrow(PolicyViolationError);
    expect(fs.readdirSync(outdir)).toEqual(["previous.txt"]);
  });

  it("runSynth prints the violations and returns 3 without writing", () => {
    const outdir = freshOutdir();
    const lines: string[] = [];
    const code = runSynth({ production: rawStages().production }, { CDKTF_OUTDIR: outdir }, (l) => lines.push(l), buildBroken);
    expect(code).toBe(3);
    expect(lines.join("\n")).toMatch(/Policy check failed: 2 violations; nothing was written\.[\s\S]*DFP-SG-1/);
    expect(fs.existsSync(outdir)).toBe(false);
  });

  describe("the real stages", () => {
    let reports: PackReport[];
    beforeAll(() => {
      reports = synthesize(validStages(), freshOutdir()).policy;
    });

    it.each(STAGE_NAMES)("%s passes with no violation and no unused suppression", (name) => {
      const report = reports.find((r) => r.stack === name)!;
      expect(report.violations).toEqual([]);
      expect(report.unusedSuppressions).toEqual([]);
      expect(report.resources).toBeGreaterThan(0);
    });

    it("checks the state bootstrap stack as production", () => {
      expect(reports.find((r) => r.stack === "state-bootstrap")).toMatchObject({ stage: { production: true }, violations: [] });
      expect(policyStageOf(validStages(), "state-bootstrap")).toEqual({ name: "state-bootstrap", production: true });
    });

    it("checks each stage with its own production flag", () => {
      for (const stage of validStages()) {
        expect(reports.find((r) => r.stack === stage.name)!.stage).toEqual({ name: stage.name, production: stage.production });
      }
    });

    it("reports exactly the reviewed suppressions: the alarm key in production, the restore drill's scratch Qdrant", () => {
      const suppressed = reports.flatMap((r) => r.suppressed.map((s) => `${r.stack}: ${s.ruleId} ${s.path}`));
      // Per stage, so a stage added in config needs no edit here.
      const expected = validStages().flatMap((stage) => [
        `${stage.name}: DFP-ECS-2 ${stage.name}/restore-drill/task`,
        ...(stage.production ? [`${stage.name}: DFP-PROD-1 ${stage.name}/alarms/key/key`] : []),
      ]);
      expect(expected).toEqual(expect.arrayContaining(["production: DFP-PROD-1 production/alarms/key/key", "staging: DFP-ECS-2 staging/restore-drill/task"]));
      expect(suppressed.sort()).toEqual(expected.sort());
    });
  });
});

