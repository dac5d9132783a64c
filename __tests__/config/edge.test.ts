/** The edge's part of the stage config: domain.* and edge.*. */
import { loadStages } from "../../config/load";
import { problemsOf, rawStages, STAGE_NAMES } from "../helpers/stages";

const ACM_ARN = "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789";

/** Switches a stage to an existing certificate. */
function useCertificateArn(domain: Record<string, any>): void {
  delete domain.hostedZoneId;
  domain.certificateArn = ACM_ARN;
  domain.subjectAlternativeNames = [];
}

describe.each(STAGE_NAMES)("edge config of %s", (stageName) => {
  it("accepts an existing certificate instead of a hosted zone", () => {
    const raw = rawStages();
    useCertificateArn(raw[stageName].domain);
    const stage = loadStages(raw).find((s) => s.name === stageName)!;
    expect(stage.domain).toEqual({ name: raw[stageName].domain.name, certificateArn: ACM_ARN, subjectAlternativeNames: [] });
  });

  it("fails when the domain is not a hostname", () => {
    for (const name of ["https://faq.example.com", "FAQ.example.com", "faq_example.com", "localhost", "-faq.example.com"]) {
      expect(problemsOf((r) => (r[stageName].domain.name = name))).toEqual([
        `${stageName}.domain.name: ${JSON.stringify(name)} is not a lower-case hostname such as faq.example.com`,
      ]);
    }
  });

  it("fails when the WAF rate limit is below WAF's minimum of 10", () => {
    expect(problemsOf((r) => (r[stageName].edge.wafRateLimitPer5Minutes = 9))).toEqual([
      `${stageName}.edge.wafRateLimitPer5Minutes: 9 must be at least 10 (the lowest limit a WAF rate-based rule accepts)`,
    ]);
    expect(problemsOf((r) => (r[stageName].edge.wafRateLimitPer5Minutes = 300.5))).toEqual([
      `${stageName}.edge.wafRateLimitPer5Minutes: 300.5 must be a whole number`,
    ]);
  });

  it("fails when the certificate ARN is not an ACM ARN", () => {
    const arn = "arn:aws:iam::123456789012:server-certificate/faq";
    expect(
      problemsOf((r) => {
        useCertificateArn(r[stageName].domain);
        r[stageName].domain.certificateArn = arn;
      }),
    ).toEqual([
      `${stageName}.domain.certificateArn: "${arn}" is not an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<uuid>)`,
    ]);
  });

  it("fails when both a hosted zone and a certificate ARN are given", () => {
    const zone = rawStages()[stageName].domain.hostedZoneId;
    expect(
      problemsOf((r) => {
        r[stageName].domain.certificateArn = ACM_ARN;
        r[stageName].domain.subjectAlternativeNames = [];
      }),
    ).toEqual([
      `${stageName}.domain.certificateArn: ${JSON.stringify(ACM_ARN)} cannot be combined with domain.hostedZoneId ("${zone}"): ` +
        "give exactly one of domain.hostedZoneId (issue and DNS-validate an ACM certificate) or domain.certificateArn (use an existing certificate)",
    ]);
  });

  it("fails when neither a hosted zone nor a certificate ARN is given", () => {
    expect(problemsOf((r) => delete r[stageName].domain.hostedZoneId)).toEqual([
      `${stageName}.domain.hostedZoneId: (missing) is required when domain.certificateArn is not given: ` +
        "give exactly one of domain.hostedZoneId (issue and DNS-validate an ACM certificate) or domain.certificateArn (use an existing certificate)",
    ]);
  });

  it("fails when subject alternative names are given with an existing certificate", () => {
    expect(
      problemsOf((r) => {
        useCertificateArn(r[stageName].domain);
        r[stageName].domain.subjectAlternativeNames = ["alt.faq.example.com"];
      }),
    ).toEqual([
      `${stageName}.domain.subjectAlternativeNames: ["alt.faq.example.com"] only applies to an issued certificate (domain.hostedZoneId), not to domain.certificateArn`,
    ]);
  });

  it("fails when a subject alternative name repeats the domain or another name", () => {
    const problems = problemsOf((r) => {
      const d = r[stageName].domain;
      d.subjectAlternativeNames = [d.name, "alt.faq.example.com", "alt.faq.example.com"];
    });
    expect(problems).toEqual([
      `${stageName}.domain.subjectAlternativeNames[0]: ${JSON.stringify(rawStages()[stageName].domain.name)} repeats domain.name; list only the extra names`,
      `${stageName}.domain.subjectAlternativeNames[2]: "alt.faq.example.com" is listed twice`,
    ]);
  });

  it("fails when the TLS policy allows versions below TLS 1.2 or lacks TLS 1.3", () => {
    expect(problemsOf((r) => (r[stageName].edge.sslPolicy = "ELBSecurityPolicy-2016-08"))[0]).toMatch(
      new RegExp(`^${stageName}\\.edge\\.sslPolicy: "ELBSecurityPolicy-2016-08" must be one of ELBSecurityPolicy-TLS13-1-2-2021-06, `),
    );
  });

  it("fails when the idle timeout or access-log expiry is out of range", () => {
    expect(problemsOf((r) => (r[stageName].edge.idleTimeoutSeconds = 0))).toEqual([`${stageName}.edge.idleTimeoutSeconds: 0 must be at least 1`]);
    expect(problemsOf((r) => (r[stageName].edge.accessLogExpirationDays = 0))).toEqual([
      `${stageName}.edge.accessLogExpirationDays: 0 must be at least 1`,
    ]);
  });
});

it("fails when a production stage turns the load balancer's deletion protection off", () => {
  expect(problemsOf((r) => (r.production.edge.deletionProtection = false))).toEqual([
    "production.edge.deletionProtection: false must be true in a production stage",
  ]);
});
