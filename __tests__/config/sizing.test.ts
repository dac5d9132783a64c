import { cidrSubnet, isIpv4Cidr } from "../../config/cidr";
import { fargateSizeProblem, gunicornWorkersFor, postgresMaxConnections } from "../../config/sizing";

describe("cidr arithmetic", () => {
  it("matches Terraform's cidrsubnet()", () => {
    expect(cidrSubnet("10.20.0.0/16", 4, 0)).toBe("10.20.0.0/20");
    expect(cidrSubnet("10.20.0.0/16", 4, 5)).toBe("10.20.80.0/20");
    expect(cidrSubnet("10.20.0.0/24", 4, 11)).toBe("10.20.0.176/28");
    expect(() => cidrSubnet("10.20.0.0/16", 4, 16)).toThrow(/does not fit/);
  });

  it("rejects non-canonical or out-of-range CIDRs", () => {
    expect(isIpv4Cidr("10.0.0.0/16")).toBe(true);
    for (const bad of ["10.0.0.0/33", "10.0.0.1/16", "256.0.0.0/8", "10.0.0/16", "10.0.0.0"]) expect(isIpv4Cidr(bad)).toBe(false);
  });
});

describe("sizing", () => {
  it("derives Gunicorn workers as floor(2 x vCPU) + 1", () => {
    expect([256, 512, 1024, 2048, 4096].map(gunicornWorkersFor)).toEqual([1, 2, 3, 5, 9]);
  });

  it("knows Fargate's CPU/memory combinations", () => {
    expect(fargateSizeProblem(256, 512)).toBeUndefined();
    expect(fargateSizeProblem(1024, 8192)).toBeUndefined();
    expect(fargateSizeProblem(256, 1536)).toBe("is not a Fargate size with 256 CPU units (0.25 vCPU): memory must be 512, 1024, 2048 MiB");
    expect(fargateSizeProblem(1024, 1024)).toBe(
      "is not a Fargate size with 1024 CPU units (1 vCPU): memory must be 2048 to 8192 in steps of 1024 MiB",
    );
  });

  it("computes PostgreSQL's max_connections from the instance memory", () => {
    expect(postgresMaxConnections("db.t4g.micro")?.maxConnections).toBe(112);
    expect(postgresMaxConnections("db.m7g.large")?.maxConnections).toBe(901);
    expect(postgresMaxConnections("db.r6g.16xlarge")?.maxConnections).toBe(5000);
    expect(postgresMaxConnections("db.x2g.large")).toBeUndefined();
    expect(postgresMaxConnections("db.x2g.large", 300)?.usable).toBe(290);
  });
});
