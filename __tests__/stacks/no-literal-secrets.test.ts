/**
 * Walks the whole synthesized JSON of every stage: any attribute named like a
 * secret (password, auth token, secret string, API key, ...) must be absent, a
 * boolean switch, or a Terraform reference (`${...}`), never a literal value. The
 * only templates accepted are listed, with a reason, in ALLOWED_TEMPLATES.
 * Covers every tier, present and future.
 */
import { synthStage, STAGE_NAMES } from "../helpers/stages";

/** Attribute names that carry secret material. */
const SECRET_NAME = /(password|passwd|auth_token|secret_string|secret_binary|api_key|apikey|access_key|private_key|client_secret|token$)/i;
/** Names matching SECRET_NAME that are switches or pointers, not secret values. */
// creation_token: EFS's idempotency token for the create call, a name, not a credential.
const NOT_A_VALUE = /(_kms_key_id|_arn|_version|_length|_update_strategy)$|^(manage_master_user_password|exclude_|include_|require_|creation_token$)/i;

/**
 * Templates allowed where a secret attribute must otherwise be a single reference: every
 * secret part is a reference and the rest is fixed text. Each entry carries its reason.
 */
const ALLOWED_TEMPLATES: readonly { path: RegExp; skeleton: string; reason: string }[] = [
  {
    path: /^resource\.aws_secretsmanager_secret_version\.cache_url-secret-value_[^.]+\.secret_string$/,
    skeleton: "rediss://:${}@${}:6379/0",
    reason: "REDIS_URL: the token and the endpoint are references; scheme, port and database number are not secret",
  },
];

/** The fixed text of a template, with each `${...}` replaced by `${}`. */
function skeletonOf(value: string): string {
  return value.replace(/\$\{[^}]*\}/g, "${}");
}

/** A string holding a JSON object or array (container definitions, policies), parsed; else undefined. */
function embeddedJson(value: unknown): unknown {
  if (typeof value !== "string" || !/^\s*[[{]/.test(value)) return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/**
 * Every [path, value] where the attribute name looks secret and the value is a literal. Walks into
 * JSON held in strings (ECS container definitions) and reads `{ name, value }` pairs (container
 * environment entries) as attributes named `name`.
 */
function literalSecrets(node: unknown, path: string[] = []): [string, unknown][] {
  if (Array.isArray(node)) return node.flatMap((item, i) => literalSecrets(item, [...path, `[${i}]`]));
  const embedded = embeddedJson(node);
  if (embedded !== undefined) return literalSecrets(embedded, [...path, "(json)"]);
  if (node === null || typeof node !== "object") return [];
  const found: [string, unknown][] = [];
  const pair = node as { name?: unknown; value?: unknown };
  if (typeof pair.name === "string" && "value" in pair && SECRET_NAME.test(pair.name) && isLiteral([...path, pair.name].join("."), pair.value)) {
    found.push([[...path, pair.name].join("."), pair.value]);
  }
  for (const [key, value] of Object.entries(node)) {
    const here = [...path, key];
    if (key !== "//" && SECRET_NAME.test(key) && !NOT_A_VALUE.test(key) && isLiteral(here.join("."), value)) found.push([here.join("."), value]);
    found.push(...literalSecrets(value, here));
  }
  return found;
}

/** Anything but a single `${...}` reference (or an allowed template of references) is a literal. */
function isLiteral(path: string, value: unknown): boolean {
  if (typeof value === "number") return true;
  if (typeof value !== "string") return false;
  if (/^\$\{[^}]+\}$/.test(value)) return false;
  return !ALLOWED_TEMPLATES.some((t) => t.path.test(path) && skeletonOf(value) === t.skeleton);
}

describe.each(STAGE_NAMES)("stage %s", (stageName) => {
  const { parsed } = synthStage(stageName);

  it("holds no literal secret value anywhere in its synthesized JSON", () => {
    expect(literalSecrets(parsed)).toEqual([]);
  });

  it("walks the secret-bearing attributes it knows about (the check is not vacuous)", () => {
    const named: string[] = [];
    const walk = (node: unknown, key = ""): void => {
      if (Array.isArray(node)) node.forEach((n) => walk(n, key));
      else if (node && typeof node === "object") Object.entries(node).forEach(([k, v]) => walk(v, k));
      else if (SECRET_NAME.test(key) && !NOT_A_VALUE.test(key)) named.push(key);
    };
    walk(parsed);
    expect(named).toEqual(expect.arrayContaining(["auth_token", "secret_string", "secret_string_wo"]));
  });
});

describe("the literal-secret check itself", () => {
  it("fails when a password, token, secret string or API key is a literal", () => {
    expect(literalSecrets({ resource: { aws_db_instance: { db: { password: "hunter2" } } } })).toEqual([["resource.aws_db_instance.db.password", "hunter2"]]);
    expect(literalSecrets({ a: [{ auth_token: "abc" }], b: { secret_string: "{\"k\":\"v\"}" }, c: { QDRANT_API_KEY: "k" } })).toHaveLength(3);
    expect(literalSecrets({ x: { master_password: 12345 } })).toHaveLength(1);
  });

  it("fails when a container environment variable named like a secret holds a literal", () => {
    const containers = JSON.stringify([{ name: "web", environment: [{ name: "DB_PASSWORD", value: "hunter2" }, { name: "DB_HOST", value: "db" }] }]);
    expect(literalSecrets({ resource: { aws_ecs_task_definition: { web: { container_definitions: containers } } } })).toEqual([
      ["resource.aws_ecs_task_definition.web.container_definitions.(json).[0].environment.[0].DB_PASSWORD", "hunter2"],
    ]);
    const fromSecrets = JSON.stringify([{ name: "web", secrets: [{ name: "DB_PASSWORD", valueFrom: "${aws_db_instance.d.master_user_secret[0].secret_arn}:password::" }] }]);
    expect(literalSecrets({ container_definitions: fromSecrets })).toEqual([]);
  });

  it("fails when a secret is a template with literal parts, unless that template is allowed", () => {
    expect(literalSecrets({ x: { secret_string: "rediss://:hunter2@${aws_x.g.primary_endpoint_address}:6379/0" } })).toHaveLength(1);
    expect(literalSecrets({ x: { password: "pre-${var.a}" } })).toHaveLength(1);
    const allowed = { resource: { aws_secretsmanager_secret_version: { "cache_url-secret-value_1": { secret_string: "rediss://:hunter2@${a.b.c}:6379/0" } } } };
    expect(literalSecrets(allowed)).toHaveLength(1);
  });

  it("accepts references, allowed templates of references, switches and key pointers", () => {
    expect(
      literalSecrets({
        auth_token: "${data.aws_secretsmanager_random_password.t.random_password}",
        resource: {
          aws_secretsmanager_secret_version: {
            "cache_url-secret-value_1": { secret_string: "rediss://:${data.x.t.random_password}@${aws_x.g.primary_endpoint_address}:6379/0" },
          },
        },
        manage_master_user_password: true,
        master_user_secret_kms_key_id: "${aws_kms_key.k.arn}",
        exclude_punctuation: true,
        password_length: 64,
      }),
    ).toEqual([]);
  });
});
