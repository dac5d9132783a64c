/** The tables config checks read (config/regions.ts, config/tables/) stay well-formed. */
import { REGIONS } from "../../config/regions";
import { entropyBitsPerChar, findSecrets, redact, secretKind } from "../../config/checks/secrets";
import { closest } from "../../config/tables/closest";
import { CACHE_NODE_TYPES, RDS_POSTGRES_INSTANCE_CLASSES } from "../../config/tables/instance-types";
import { stageFieldsSchema } from "../../config/schema";
import { validStages } from "../helpers/stages";

describe("region table", () => {
  const names = Object.keys(REGIONS);

  it("lists regions sorted, each with 2+ distinct AZ IDs of its own region code", () => {
    expect(names.length).toBeGreaterThan(20);
    expect([...names].sort()).toEqual(names);
    for (const [region, { azIds }] of Object.entries(REGIONS)) {
      expect(region).toMatch(/^[a-z]{2}-[a-z]+-\d$/);
      expect(azIds.length).toBeGreaterThanOrEqual(2);
      expect(new Set(azIds).size).toBe(azIds.length);
      const code = azIds[0].split("-")[0];
      for (const id of azIds) expect(id).toMatch(new RegExp(`^${code}-az\\d$`));
    }
  });

  it("holds every configured stage's region with at least its azCount zones", () => {
    for (const stage of validStages()) expect(REGIONS[stage.region].azIds.length).toBeGreaterThanOrEqual(stage.network.azCount);
  });
});

describe("instance type tables", () => {
  it.each([
    ["RDS instance classes", RDS_POSTGRES_INSTANCE_CLASSES, /^db\.[a-z0-9]+\.[a-z0-9]+$/],
    ["cache node types", CACHE_NODE_TYPES, /^cache\.[a-z0-9]+\.[a-z0-9]+$/],
  ])("%s are unique and well-formed", (_name, table, pattern) => {
    expect(table.length).toBeGreaterThan(50);
    expect(new Set(table).size).toBe(table.length);
    for (const type of table) expect(type).toMatch(pattern);
  });

  it("hold the configured stages' types", () => {
    for (const stage of validStages()) {
      expect(RDS_POSTGRES_INSTANCE_CLASSES).toContain(stage.database.instanceClass);
      expect(CACHE_NODE_TYPES).toContain(stage.cache.nodeType);
    }
  });

  it("suggest the nearest type for a typo, and nothing for a stranger", () => {
    expect(closest("cache.t4g.mirco", CACHE_NODE_TYPES)).toBe("cache.t4g.micro");
    expect(closest("db.r7g.xlrage", RDS_POSTGRES_INSTANCE_CLASSES)).toBe("db.r7g.xlarge");
    expect(closest("memcached", CACHE_NODE_TYPES)).toBeUndefined();
  });
});

describe("secret shapes", () => {
  it.each([
    ["AKIAQX4RZ7TB2NLD5VW3", "an AWS access key ID"],
    ["AIzaSyD4f7Qk2Lm9Xw3Rt6Yp1Zs8Nv5Bc0Hj2Ke", "a Google API key"],
    ["-----BEGIN OPENSSH PRIVATE KEY-----", "a private key"],
    ["ghp_0123456789abcdefghijABCDEFGHIJ012345", "a GitHub token"],
    ["sk-proj-4kF9aQ2mZ7xL1pR8vN3tB6yH0cW5", "an API key"],
    ["postgres://admin:hunter2@db.example.com/faq", "a URL with a password"],
    ["wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "a long random string (an API key or password?)"],
  ])("recognizes %s", (value, kind) => {
    expect(secretKind(value)).toBe(kind);
    expect(redact(value)).not.toContain(value.slice(0, 6));
  });

  it("does not flag names, paths, ARNs, digests or the schema's own keys", () => {
    const keys: string[] = [];
    const walk = (schema: any) => {
      let s = schema;
      while (s?._zod?.def && ["optional", "default", "nullable", "pipe"].includes(s._zod.def.type)) s = s._zod.def.innerType ?? s._zod.def.in;
      if (s?._zod?.def?.type === "object") for (const [k, child] of Object.entries(s._zod.def.shape)) (keys.push(k), walk(child));
    };
    walk(stageFieldsSchema);
    for (const value of [
      ...keys,
      "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
      "sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2",
      "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      "sha256:3f9c2ab4e5d6f7a8b9c0d1e2f3a4b5c6d7e8f9a03f9c2ab4e5d6f7a8b9c0d1e2",
      "3f9c2ab4e5d6f7a8b9c0d1e2f3a4b5c6d7e8f9a0",
      "123456789012.dkr.ecr.eu-west-1.amazonaws.com/django-faq",
    ]) {
      expect({ value, kind: secretKind(value) }).toEqual({ value, kind: undefined });
    }
  });

  it("finds secrets by path, in keys and nested lists too", () => {
    expect(findSecrets({ a: [{ b: "AKIAQX4RZ7TB2NLD5VW3" }] }).map((f) => f.path)).toEqual([["a", 0, "b"]]);
    expect(entropyBitsPerChar("aaaa")).toBe(0);
  });
});
