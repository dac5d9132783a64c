/**
 * The sticky plan comment of pull-request.yml: its actions/github-script body, taken
 * from the workflow file and run against a fake GitHub API.
 */
import * as fs from "fs";
import * as path from "path";

const workflow = fs.readFileSync(path.resolve(__dirname, "../../.github/workflows/pull-request.yml"), "utf8");

/** The `script: |` block of the comment job, dedented. */
function commentScript(): string {
  const lines = workflow.split("\n");
  const start = lines.findIndex((l) => l.trim() === "script: |");
  const indent = lines[start].indexOf("script") + 2;
  const body: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() !== "" && line.length - line.trimStart().length < indent) break;
    body.push(line.slice(indent));
  }
  return body.join("\n");
}

interface Comment {
  id: number;
  body: string;
  user: { login: string };
  html_url: string;
}

function fakeGitHub(opts: { headSha: string; comments: Comment[] }) {
  const calls: { update: Array<{ comment_id: number; body: string }>; create: Array<{ body: string }> } = {
    update: [],
    create: [],
  };
  const github = {
    paginate: async (_fn: unknown, _params: unknown) => opts.comments,
    rest: {
      pulls: { get: async () => ({ data: { head: { sha: opts.headSha } } }) },
      issues: {
        listComments: () => undefined,
        updateComment: async (p: { comment_id: number; body: string }) => {
          calls.update.push(p);
          return { data: {} };
        },
        createComment: async (p: { body: string }) => {
          calls.create.push(p);
          return { data: { html_url: "https://example.invalid/c/9" } };
        },
      },
    },
  };
  return { github, calls };
}

const SHA = "0123456789abcdef0123456789abcdef01234567";
const context = {
  repo: { owner: "acme", repo: "platform" },
  payload: { pull_request: { number: 7, head: { sha: SHA } } },
  serverUrl: "https://github.com",
  runId: 42,
};
const core = { notice: jest.fn(), info: jest.fn() };

async function run(opts: {
  stage: string;
  havePlan: boolean;
  files?: Record<string, string>;
  comments?: Comment[];
  headSha?: string;
}) {
  const { github, calls } = fakeGitHub({ headSha: opts.headSha ?? SHA, comments: opts.comments ?? [] });
  const fakeFs = {
    readFileSync: (file: string) => {
      const content = opts.files?.[file];
      if (content === undefined) throw new Error(`ENOENT ${file}`);
      return content;
    },
  };
  const fakeRequire = (name: string) => {
    if (name !== "fs") throw new Error(`unexpected require ${name}`);
    return fakeFs;
  };
  const saved = { STAGE: process.env.STAGE, HAVE_PLAN: process.env.HAVE_PLAN };
  process.env.STAGE = opts.stage;
  process.env.HAVE_PLAN = String(opts.havePlan);
  try {
    const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor;
    await new AsyncFunction("require", "github", "context", "core", commentScript())(fakeRequire, github, context, core);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  return calls;
}

const report = "### Terraform plan: `staging`\n\n**1 to create, 0 to update, 0 to replace, 0 to delete**; 3 unchanged.\n";
const files = { "plan/report.md": report, "plan/plan.txt": "Terraform will perform the following actions:\n  + resource ...\n" };
const bot = (id: number, body: string): Comment => ({ id, body, user: { login: "github-actions[bot]" }, html_url: `u/${id}` });

it("creates the stage's comment with the marker, the report and the plan folded in <details>", async () => {
  const calls = await run({ stage: "staging", havePlan: true, files });
  expect(calls.update).toEqual([]);
  expect(calls.create).toHaveLength(1);
  const body = calls.create[0].body;
  expect(body.startsWith("<!-- plan-report:staging -->\n")).toBe(true);
  expect(body).toContain(report);
  expect(body).toContain("<details><summary>Full plan</summary>");
  expect(body).toContain("+ resource ...");
  expect(body).toContain("Plan of 0123456");
});

it("updates the previous comment of the same stage instead of adding one", async () => {
  const comments = [
    bot(1, "<!-- plan-report:production -->\nold production plan"),
    { ...bot(2, "<!-- plan-report:staging --> quoted by a person"), user: { login: "someone" } },
    bot(3, "<!-- plan-report:staging -->\nold staging plan"),
  ];
  const calls = await run({ stage: "staging", havePlan: true, files, comments });
  expect(calls.create).toEqual([]);
  expect(calls.update.map((u) => u.comment_id)).toEqual([3]);
});

it("says there is no plan when the plan failed, rather than leaving the previous one", async () => {
  const calls = await run({ stage: "production", havePlan: false, comments: [bot(5, "<!-- plan-report:production -->\nold")] });
  expect(calls.update).toHaveLength(1);
  expect(calls.update[0].body).toContain("No plan for 0123456");
});

it("truncates a plan that does not fit in a comment, with a note", async () => {
  const huge = "x".repeat(200_000);
  const calls = await run({ stage: "staging", havePlan: true, files: { ...files, "plan/plan.txt": huge } });
  const body = calls.create[0].body;
  expect(body.length).toBeLessThanOrEqual(65536);
  expect(body).toContain("**Plan truncated:**");
  expect(body).toContain("of 200000 characters are shown");
  expect(body).toContain("</details>");
});

it("does not overwrite the comment when a newer push is the pull request's head", async () => {
  const calls = await run({ stage: "staging", havePlan: true, files, headSha: "f".repeat(40) });
  expect(calls.create).toEqual([]);
  expect(calls.update).toEqual([]);
});
