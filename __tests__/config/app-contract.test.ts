import { APP_CONTRACT, containerEnvironment, contractFor, databaseUrl } from "../../config/app-contract";
import { DEFAULT_GEMINI_MODEL, GEMINI_MODELS } from "../../config/gemini-models";

describe("the application's environment contract", () => {
  it("names each variable once, and gives every variable to at least one container", () => {
    const names = APP_CONTRACT.map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
    for (const v of APP_CONTRACT) expect(v.containers.length).toBeGreaterThan(0);
  });

  it("gives the static-files container no external secret and the migration no cache or vector database", () => {
    expect(contractFor("static-files").filter((v) => v.secret).map((v) => v.name)).toEqual(["SECRET_KEY"]);
    expect(contractFor("migration").map((v) => v.group)).not.toEqual(expect.arrayContaining(["cache"]));
    expect(contractFor("migration").map((v) => v.name)).not.toContain("VECTOR_DB_URL");
  });

  it("fails when a container's variable has no value, naming it", () => {
    const values = Object.fromEntries(contractFor("static-files").map((v) => [v.name, v.secret ? { secretArn: "arn:x" } : { value: "x" }]));
    expect(() => containerEnvironment("static-files", values)).not.toThrow();
    const { SECRET_KEY: _s, DATABASE_URL: _d, ...missing } = values;
    expect(() => containerEnvironment("static-files", missing)).toThrow(
      "app contract, container static-files: DATABASE_URL has no value; SECRET_KEY has no value",
    );
  });

  it("fails when a secret is given as a plain value, or a value is not in the contract", () => {
    const values = Object.fromEntries(contractFor("static-files").map((v) => [v.name, v.secret ? { secretArn: "arn:x" } : { value: "x" }]));
    expect(() => containerEnvironment("static-files", { ...values, SECRET_KEY: { value: "x" } })).toThrow("SECRET_KEY is a secret but was given a plain value");
    expect(() => containerEnvironment("static-files", { ...values, SECRETKEY: { value: "x" } })).toThrow("SECRETKEY is not in the contract");
    expect(() => containerEnvironment("static-files", values, { DEBUG: "True" })).toThrow("DEBUG is a contract variable");
  });

  it("builds a database URL without a password", () => {
    expect(databaseUrl("faq_app", "db.internal", 5432, "faq")).toBe("postgresql://faq_app@db.internal:5432/faq?sslmode=require");
  });

  it("defaults GEMINI_MODEL to a listed model", () => {
    expect(GEMINI_MODELS).toContain(DEFAULT_GEMINI_MODEL);
  });
});
