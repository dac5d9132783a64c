/**
 * Follows README's "Adding a stage" in a scratch copy of the project and checks that
 * the new stage needs nothing else: CI=true npm test passes once its snapshot is
 * written with the command the README (and the CI failure) names, `npm run synth`
 * writes its stack, and the delivery matrix the workflows read puts it last in the
 * plan matrix and the deploy chain, with the workflows unchanged (and actionlint-clean
 * when .tools/bin/actionlint is installed).
 *
 * Usage: npm run check:new-stage   (run by .ci/run; about a minute: one full npm test)
 * Exit 0 when every step passed, 1 with the failing step otherwise.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { addStage, scratchCopy } from "./new-stage/scratch";
import type { DeliveryMatrix } from "./stage-config/matrix";

// run-ts.js runs the compiled copy in dist/scripts/.
const projectRoot = path.resolve(__dirname, "../..");
const STAGE = { name: "qa", namePrefix: "faq-qa", domain: "qa.faq.example.com", vpcCidr: "10.40.0.0/16" };
const WRITE_SNAPSHOTS = "npm run test:update-snapshots -- __tests__/stacks/stage-stack.test.ts";

function sh(dir: string, command: string, env: Record<string, string> = {}): { status: number; output: string } {
  const result = spawnSync("bash", ["-c", command], { cwd: dir, env: { ...process.env, ...env }, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status ?? 1, output: `${result.stdout}${result.stderr}` };
}

function step(name: string, ok: boolean, detail = ""): void {
  process.stdout.write(`${ok ? "ok  " : "FAIL"} ${name}\n`);
  if (!ok) {
    if (detail) process.stdout.write(`${detail.split("\n").slice(-40).join("\n")}\n`);
    throw new Error(`check-new-stage: ${name} failed`);
  }
}

function main(): number {
  const dir = scratchCopy(projectRoot);
  process.stdout.write(`check-new-stage: scratch copy ${dir}, adding stage ${STAGE.name} as README says\n`);
  try {
    addStage(dir, STAGE);

    const before = sh(dir, "npx jest --ci __tests__/stacks/stage-stack.test.ts", { CI: "true" });
    step("without its snapshot, CI fails naming the command that writes it", before.status !== 0 && before.output.includes(WRITE_SNAPSHOTS), before.output);

    const write = sh(dir, WRITE_SNAPSHOTS);
    step(`\`${WRITE_SNAPSHOTS}\` writes its snapshot`, write.status === 0, write.output);
    const snap = fs.readFileSync(path.join(dir, "__tests__/stacks/__snapshots__/stage-stack.test.ts.snap"), "utf8");
    step("the snapshot file holds the new stage", snap.includes(`exports[\`stage stack ${STAGE.name} matches the reviewed snapshot 1\`]`));

    const test = sh(dir, "npm test", { CI: "true" });
    step("CI=true npm test passes", test.status === 0, test.output);

    const synth = sh(dir, "npm run synth", { CDKTF_OUTDIR: "cdktf.out" });
    step(`npm run synth writes cdktf.out/stacks/${STAGE.name}`, synth.status === 0 && fs.existsSync(path.join(dir, "cdktf.out/stacks", STAGE.name, "cdk.tf.json")), synth.output);

    const matrixRun = sh(dir, "npm run -s stage-config -- --matrix");
    const matrix = JSON.parse(matrixRun.output) as DeliveryMatrix;
    const last = matrix.include[matrix.include.length - 1];
    step("the plan matrix and the deploy chain end with the new stage", last?.stage === STAGE.name && last["promotion-step"] === matrix.include.length, matrixRun.output);

    const workflows = ".github/workflows";
    const same = fs.readdirSync(path.join(projectRoot, workflows)).every(
      (f) => fs.readFileSync(path.join(dir, workflows, f), "utf8") === fs.readFileSync(path.join(projectRoot, workflows, f), "utf8"),
    );
    step("the workflows are unchanged", same);
    const actionlint = path.join(projectRoot, ".tools/bin/actionlint");
    if (fs.existsSync(actionlint)) {
      const lint = sh(dir, `"${actionlint}" .github/workflows/*.yml`);
      step("actionlint passes on the scratch copy's workflows", lint.status === 0, lint.output);
    } else {
      process.stdout.write("skip actionlint: not installed (npm run lint:workflows installs it)\n");
    }
    return 0;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 1;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = main();
