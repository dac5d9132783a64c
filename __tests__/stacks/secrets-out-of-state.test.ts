/**
 * What reaches Terraform state and saved plans, read from the synthesized JSON of
 * every stage:
 * - no argument carries a secret value, except those listed in STATE_EXCEPTIONS with
 *   their reason (secrets go through write-only `*_wo` arguments, which Terraform
 *   never stores, or are managed by AWS, like the RDS master password);
 * - no argument is fed by a random value Terraform keeps (a random-password data
 *   source, `random_password`, `random_string`, ...), except the same exceptions;
 * - the generated secrets come from ephemeral `aws_secretsmanager_random_password`
 *   blocks (written by an override, cdktf 0.21 has no ephemeral type), each used,
 *   and used only by write-only arguments that carry a version.
 * docs/data-tier.md ("What Terraform state and plan files hold") explains the exceptions.
 */
import { synthStage, STAGE_NAMES } from "../helpers/stages";

/** Arguments that hold a secret value when set (write-only `_wo` variants are the safe form). */
const SECRET_ARGUMENTS = /^(secret_string|secret_binary|password|passwords|master_password|auth_token|api_key|private_key|client_secret)$/;

/** References to randomness Terraform records in state or plans. */
const PERSISTED_RANDOM = /\$\{[^}]*\b(data\.aws_secretsmanager_random_password|random_password|random_string|random_bytes|random_id|tls_private_key)\.[A-Za-z0-9_-]+\./;

/** The ephemeral reference form. */
const EPHEMERAL_RANDOM = /\$\{ephemeral\.aws_secretsmanager_random_password\.([A-Za-z0-9_-]+)\.random_password\}/g;

/** What still reaches state, by path, each with its reason (the docs repeat these). */
const STATE_EXCEPTIONS: readonly { path: RegExp; reason: string }[] = [
  {
    path: /^resource\.aws_elasticache_replication_group\.cache_replication-group_[^.]+\.auth_token$/,
    reason:
      "ElastiCache's AUTH token has no write-only argument in the pinned provider (6.25); getting it out of state means " +
      "RBAC users with passwords_wo (provider >= 6.41), a migration of the running cache",
  },
  {
    path: /^resource\.aws_secretsmanager_secret_version\.cache_(auth-token|url)-secret-value_[^.]+\.secret_string$/,
    reason:
      "the token's two secrets must hold the value auth_token got, from the same plan-time data source; the value is in " +
      "state through auth_token anyway, and switching these to write-only on a running stage would replace them with a new, wrong token",
  },
];

type Found = { path: string; value: unknown };

/** Every [path, value] of the JSON tree (objects and arrays), skipping `"//"` comments. */
function walk(node: unknown, path: string[] = [], out: Found[] = []): Found[] {
  if (Array.isArray(node)) node.forEach((v, i) => walk(v, [...path, `[${i}]`], out));
  else if (node !== null && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) if (k !== "//") walk(v, [...path, k], out);
  } else out.push({ path: path.join("."), value: node });
  return out;
}

const excepted = (path: string) => STATE_EXCEPTIONS.some((e) => e.path.test(path));

/** `resource.<type>.<name>.<argument>` of every secret-valued argument that is set. */
function secretArgumentsSet(parsed: { resource?: unknown }): string[] {
  const paths = walk(parsed.resource, ["resource"])
    .map(({ path }) => path.split(".").slice(0, 4))
    .filter((parts) => parts.length === 4 && SECRET_ARGUMENTS.test(parts[3]))
    .map((parts) => parts.join("."));
  return [...new Set(paths)];
}

/** Paths of every value (outside outputs) that references randomness Terraform stores. */
function persistedRandomFeeds(parsed: unknown): string[] {
  return walk(parsed)
    .filter(({ path, value }) => typeof value === "string" && PERSISTED_RANDOM.test(value) && !path.startsWith("output."))
    .map(({ path }) => path);
}

describe.each(STAGE_NAMES)("stage %s: secrets out of state", (stageName) => {
  const { parsed } = synthStage(stageName);

  it("sets no secret-valued argument on any resource but the listed exceptions", () => {
    expect(secretArgumentsSet(parsed).filter((path) => !excepted(path))).toEqual([]);
  });

  it("feeds no argument from a random value Terraform stores, but the listed exceptions", () => {
    const fed = persistedRandomFeeds(parsed);
    expect(fed.filter((path) => !excepted(path))).toEqual([]);
    // The exceptions are live: each still matches something (a fixed exception is removed, not left behind).
    for (const e of STATE_EXCEPTIONS) expect([...fed, ...secretArgumentsSet(parsed)].some((p) => e.path.test(p))).toBe(true);
  });

  it("generates the web SECRET_KEY and the Qdrant API key with ephemeral aws_secretsmanager_random_password blocks", () => {
    const ephemeral = (parsed as any).ephemeral?.aws_secretsmanager_random_password ?? {};
    const names = Object.keys(ephemeral);
    expect(names.length).toBeGreaterThanOrEqual(2);
    for (const name of names) {
      expect(ephemeral[name]).toEqual({
        password_length: expect.any(Number),
        exclude_punctuation: expect.any(Boolean),
        include_space: false,
        require_each_included_type: true,
      });
      expect(ephemeral[name].password_length).toBeGreaterThanOrEqual(32);
    }
    const versions = parsed.resource.aws_secretsmanager_secret_version;
    const fedBy = (fragment: string) =>
      Object.entries(versions).filter(([key]) => key.includes(fragment)).map(([, v]) => /ephemeral\.aws_secretsmanager_random_password\.([^.]+)\./.exec(v.secret_string_wo)?.[1]);
    expect(fedBy("web_secret-key-version")).toEqual([expect.stringMatching(/^secret-key-value_/)]);
    expect(fedBy("qdrant_api-key-version")).toEqual([expect.stringMatching(/^api-key-value_/)]);
  });

  it("uses every ephemeral value, and only in write-only arguments that carry a version", () => {
    const declared = new Set(Object.keys((parsed as any).ephemeral?.aws_secretsmanager_random_password ?? {}));
    const used = new Set<string>();
    const misuse: string[] = [];
    for (const { path, value } of walk(parsed)) {
      if (typeof value !== "string") continue;
      for (const m of value.matchAll(EPHEMERAL_RANDOM)) {
        used.add(m[1]);
        const parts = path.split(".");
        const arg = parts[parts.length - 1];
        if (!arg.endsWith("_wo")) misuse.push(`${path} (not a write-only argument)`);
        const owner = parts.slice(0, -1).reduce((node: any, key) => node?.[key], parsed);
        if (typeof owner?.[`${arg}_version`] !== "number") misuse.push(`${path} (no ${arg}_version)`);
      }
    }
    expect(misuse).toEqual([]);
    expect([...declared].filter((n) => !used.has(n))).toEqual([]);
    expect([...used].filter((n) => !declared.has(n))).toEqual([]);
    expect(used.size).toBeGreaterThanOrEqual(2);
  });

  it("logs the Docker provider in to ECR with an ephemeral token, not a data source Terraform keeps", () => {
    const auth = (parsed as any).provider.docker[0].registry_auth[0];
    const name = /^\$\{ephemeral\.aws_ecr_authorization_token\.([^.]+)\.password\}$/.exec(auth.password)?.[1];
    expect(name).toBeDefined();
    expect(auth.username).toBe(`\${ephemeral.aws_ecr_authorization_token.${name}.user_name}`);
    expect((parsed as any).ephemeral.aws_ecr_authorization_token[name!]).toEqual({});
    expect(parsed.data?.aws_ecr_authorization_token).toBeUndefined();
  });

  it("requires Terraform >= 1.11 (write-only arguments)", () => {
    expect(parsed.terraform.required_version).toBe(">= 1.11.0");
  });
});

describe("the scan itself", () => {
  it("flags a secret argument and an argument fed by a random-password data source or random_password", () => {
    const parsed = {
      resource: {
        aws_db_instance: { db: { password: "${data.aws_secretsmanager_random_password.p.random_password}" } },
        aws_secretsmanager_secret_version: { v: { secret_string_wo: "${random_password.p.result}", secret_string_wo_version: 1 } },
      },
    };
    expect(secretArgumentsSet(parsed)).toEqual(["resource.aws_db_instance.db.password"]);
    expect(persistedRandomFeeds(parsed)).toEqual(["resource.aws_db_instance.db.password", "resource.aws_secretsmanager_secret_version.v.secret_string_wo"]);
  });

  it("passes write-only arguments fed by ephemeral values and AWS-managed passwords", () => {
    const parsed = {
      resource: {
        aws_db_instance: { db: { manage_master_user_password: true } },
        aws_secretsmanager_secret_version: { v: { secret_string_wo: "${ephemeral.aws_secretsmanager_random_password.p.random_password}", secret_string_wo_version: 1 } },
      },
    };
    expect(secretArgumentsSet(parsed)).toEqual([]);
    expect(persistedRandomFeeds(parsed)).toEqual([]);
  });
});
