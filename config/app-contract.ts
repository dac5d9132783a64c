/**
 * The application's environment contract, as data: every variable the platform gives the
 * app's containers, whether it is a secret (injected by ECS from Secrets Manager) or a plain
 * value, and which containers get it. constructs/django-service.ts builds the task
 * definitions from this list and nothing else; __tests__/app-contract/ starts the reference
 * application (__tests__/fixtures/reference-app/) with each container's synthesized
 * environment, so a variable missing here makes a real Django refuse to start.
 *
 * Containers: `django` (Gunicorn), `static-files` (`manage.py collectstatic`), `migration`
 * (the app-role bootstrap, then `manage.py migrate`). A container gets only what its command
 * needs: collectstatic reads no external secret, the migration talks to no Redis or Qdrant.
 *
 * The database URL embeds no password, so it never goes stale when a password rotates:
 * `postgresql://<user>@<host>:<port>/<db>?sslmode=require`. The web containers log in as the
 * app role with an IAM token (DB_IAM_AUTH=True: a fresh token per connection, from the task
 * role); the migration logs in as the master user with DB_PASSWORD, read from the RDS-managed
 * secret when the task starts (each migration is a new task, so it always has the current
 * password). docs/web-service.md, "The application's environment".
 */

/** A container of the contract. */
export type ContractContainer = "django" | "static-files" | "migration";
/** Every container, in the order the docs list them. */
export const CONTRACT_CONTAINERS: readonly ContractContainer[] = ["django", "static-files", "migration"];

/** One variable of the contract. */
export interface ContractVariable {
  /** Environment variable name. */
  readonly name: string;
  /** Group of the contract table (docs/web-service.md). */
  readonly group: "database" | "app" | "external" | "rag" | "vector-db" | "cache" | "security" | "media" | "runtime";
  /** Injected from Secrets Manager (never a plain value in the task definition). */
  readonly secret: boolean;
  /** Containers that receive it. */
  readonly containers: readonly ContractContainer[];
  /** Where its value comes from, for the docs: a config field, a resource attribute, a secret. */
  readonly source: string;
}

const ALL: readonly ContractContainer[] = ["django", "static-files", "migration"];
const WEB: readonly ContractContainer[] = ["django"];
const V = (
  name: string,
  group: ContractVariable["group"],
  containers: readonly ContractContainer[],
  source: string,
  secret = false,
): ContractVariable => ({ name, group, secret, containers, source });

/** The contract. Names are unique (a test checks). */
export const APP_CONTRACT: readonly ContractVariable[] = [
  // database
  V("DATABASE_URL", "database", ALL, "built from the database's address, port, name and the container's DB_USER; no password in it"),
  V("DB_HOST", "database", ALL, "database endpoint address"),
  V("DB_PORT", "database", ALL, "database port"),
  V("DB_NAME", "database", ALL, "config database.databaseName"),
  V("DB_USER", "database", ALL, "config database.appUsername (django, static-files) / database.masterUsername (migration)"),
  V("DB_IAM_AUTH", "database", ["django", "static-files"], '"True": the app role logs in with an IAM token (no password)'),
  V("DB_PASSWORD", "database", ["migration"], "the RDS-managed master secret, key password", true),
  V("DB_APP_USER", "database", ["migration"], "config database.appUsername (the role the migration creates)"),
  // app
  V("DJANGO_SETTINGS_MODULE", "app", ALL, "config web.djangoSettingsModule"),
  V("DJANGO_ENV", "app", ALL, '"production"'),
  V("SECRET_KEY", "app", ALL, "secret <prefix>/web/secret-key (generated, write-only)", true),
  V("DEBUG", "app", ALL, '"False"'),
  V("ALLOWED_HOSTS", "app", ALL, "config domain.name and domain.subjectAlternativeNames"),
  V("STATIC_ROOT", "app", ["django", "static-files"], "config web.staticRoot (the volume nginx serves)"),
  // external
  V("GEMINI_API_KEY", "external", WEB, "secret <prefix>/web/gemini-api-key (filled by hand)", true),
  V("GEMINI_MODEL", "external", WEB, "config web.geminiModel (checked against config/gemini-models.ts)"),
  // RAG
  V("RAG_EMBEDDING_TYPE", "rag", WEB, "config web.ragEmbeddingType"),
  V("RAG_LOCAL_EMBEDDING_MODEL", "rag", WEB, "config web.ragLocalEmbeddingModel"),
  V("RAG_VECTOR_DIMENSION", "rag", WEB, "config web.ragVectorDimension"),
  V("RAG_SIMILARITY_THRESHOLD", "rag", WEB, "config web.ragSimilarityThreshold (default 0.5, the app's own)"),
  V("HF_HOME", "rag", WEB, "the writable model cache on the task's /tmp volume (the model is best baked into the image)"),
  // vector DB
  V("VECTOR_DB_URL", "vector-db", WEB, "Qdrant's service-discovery name, HTTP port and scheme"),
  V("QDRANT_HOST", "vector-db", WEB, "Qdrant's service-discovery name"),
  V("QDRANT_PORT", "vector-db", WEB, "Qdrant's HTTP port"),
  V("QDRANT_COLLECTION_NAME", "vector-db", WEB, "config qdrant.collectionName"),
  V("QDRANT_API_KEY", "vector-db", WEB, "secret <prefix>/qdrant/api-key", true),
  // cache
  V("REDIS_URL", "cache", WEB, "secret holding the whole rediss:// URL with its auth token", true),
  V("CACHE_TTL", "cache", WEB, "config web.cacheTtlSeconds"),
  // security
  V("CSRF_TRUSTED_ORIGINS", "security", WEB, "https:// + each of ALLOWED_HOSTS"),
  V("SECURE_SSL_REDIRECT", "security", WEB, '"True"'),
  V("SECURE_HSTS_SECONDS", "security", WEB, '"31536000"'),
  // media (django-storages' S3 backend settings)
  V("AWS_STORAGE_BUCKET_NAME", "media", WEB, "the stage's private media bucket"),
  V("AWS_S3_REGION_NAME", "media", WEB, "the stage's region"),
  // runtime
  V("WEB_CONCURRENCY", "runtime", WEB, "Gunicorn workers from the capacity plan"),
];

/** How a container receives one variable: a plain value, or a Secrets Manager reference. */
export type ContractValue = { readonly value: string } | { readonly secretArn: string; readonly jsonKey?: string };

/** A container definition's `environment` and `secrets`, built from the contract. */
export interface ContainerEnvironment {
  readonly environment: { name: string; value: string }[];
  readonly secrets: { name: string; valueFrom: string }[];
}

/** The contract's variables for one container. */
export function contractFor(container: ContractContainer): ContractVariable[] {
  return APP_CONTRACT.filter((v) => v.containers.includes(container));
}

/**
 * `environment` and `secrets` of `container`: every contract variable of that container, from
 * `values`. Throws naming each variable the contract gives the container that has no value, a
 * secret given as a plain value (or the reverse), and any value the contract does not list
 * for it, so the task definitions cannot drift from the contract. `extra` are plain values
 * outside the contract (e.g. the app's own rate limits), passed through as they are.
 */
export function containerEnvironment(
  container: ContractContainer,
  values: Readonly<Record<string, ContractValue | undefined>>,
  extra: Readonly<Record<string, string>> = {},
): ContainerEnvironment {
  const wanted = contractFor(container);
  const problems: string[] = [];
  const environment: { name: string; value: string }[] = [];
  const secrets: { name: string; valueFrom: string }[] = [];
  for (const v of wanted) {
    const given = values[v.name];
    if (given === undefined) {
      problems.push(`${v.name} has no value`);
    } else if ("secretArn" in given) {
      if (!v.secret) problems.push(`${v.name} is not a secret but was given a secret reference`);
      // ECS reads one JSON key of a secret with <arn>:<json-key>:<version-stage>:<version-id>.
      else secrets.push({ name: v.name, valueFrom: given.jsonKey ? `${given.secretArn}:${given.jsonKey}::` : given.secretArn });
    } else if (v.secret) {
      problems.push(`${v.name} is a secret but was given a plain value`);
    } else {
      environment.push({ name: v.name, value: given.value });
    }
  }
  for (const name of Object.keys(values)) {
    if (values[name] !== undefined && !wanted.some((v) => v.name === name) && !APP_CONTRACT.some((v) => v.name === name)) {
      problems.push(`${name} is not in the contract (config/app-contract.ts)`);
    }
  }
  for (const [name, value] of Object.entries(extra)) {
    if (APP_CONTRACT.some((v) => v.name === name)) problems.push(`${name} is a contract variable and cannot be passed as extra`);
    else environment.push({ name, value });
  }
  if (problems.length > 0) throw new Error(`app contract, container ${container}: ${problems.join("; ")}`);
  return { environment, secrets };
}

/** `postgresql://<user>@<host>:<port>/<db>?sslmode=require`: no password (see the file comment). */
export function databaseUrl(user: string, host: string, port: number, databaseName: string): string {
  return `postgresql://${encodeURIComponent(user)}@${host}:${port}/${encodeURIComponent(databaseName)}?sslmode=require`;
}
