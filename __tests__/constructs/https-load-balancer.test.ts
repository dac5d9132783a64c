import { Testing, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { elbLogDeliveryPrincipal, HttpsLoadBalancer, type HttpsLoadBalancerProps } from "../../constructs/https-load-balancer";
import { resource, resources, synthEdited, synthStage, type Synth, STAGE_NAMES, testApp, validStages, refName } from "../helpers/stages";


describe.each(STAGE_NAMES)("edge of %s", (stageName) => {
  const stage = validStages().find((s) => s.name === stageName)!;
  const { parsed } = synthStage(stageName);
  const lbName = Object.keys(parsed.resource.aws_lb)[0];
  const lb = resource(parsed, "aws_lb", "edge_");
  const https = resource(parsed, "aws_lb_listener", "https-listener");
  const http = resource(parsed, "aws_lb_listener", "http-listener");
  const sgName = refName(lb.security_groups[0]);

  it("is an internet-facing ALB in the public subnets, hardened and configured from the stage", () => {
    expect(lb).toMatchObject({
      load_balancer_type: "application",
      internal: false,
      drop_invalid_header_fields: true,
      enable_http2: true,
      idle_timeout: stage.edge.idleTimeoutSeconds,
      enable_deletion_protection: stage.edge.deletionProtection,
      ip_address_type: stage.edge.ipv6 ? "dualstack" : "ipv4",
    });
    const publicSubnets = resources(parsed, "aws_subnet").filter(([, s]) => s.tags.Tier === "public").map(([n]) => n);
    expect(lb.subnets.map((r: string) => refName(r)).sort()).toEqual(publicSubnets.sort());
    expect(lb.subnets).toHaveLength(stage.network.azCount);
  });

  it("listens on 443 with the configured TLS 1.3 policy and the certificate, forwarding to the web service it attached", () => {
    expect(https).toMatchObject({ port: 443, protocol: "HTTPS", ssl_policy: stage.edge.sslPolicy });
    expect(stage.edge.sslPolicy).toMatch(/^ELBSecurityPolicy-TLS13-/);
    expect(https.load_balancer_arn).toBe("${aws_lb." + lbName + ".arn}");
    expect(https.certificate_arn).toMatch(/^\$\{aws_acm_certificate_validation\.[^.]+\.certificate_arn\}$/);
    // The 404 default before anything attaches is asserted at construct level below.
    expect(https.default_action).toEqual([{ type: "forward", target_group_arn: "${aws_lb_target_group.web_target-group_00CECBCF.arn}" }]);
  });

  it("listens on 80 only to redirect permanently to HTTPS on 443", () => {
    expect(http).toMatchObject({ port: 80, protocol: "HTTP" });
    expect(http.certificate_arn).toBeUndefined();
    expect(http.default_action).toEqual([{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", status_code: "HTTP_301" } }]);
    expect(resources(parsed, "aws_lb_listener")).toHaveLength(2);
  });

  it("issues a certificate for the domain, validated by DNS in the configured zone, and the listener waits for it", () => {
    const [[certName, cert]] = resources(parsed, "aws_acm_certificate");
    expect(cert).toMatchObject({ domain_name: stage.domain.name, validation_method: "DNS", lifecycle: { create_before_destroy: true } });
    expect(cert.subject_alternative_names ?? []).toEqual(stage.domain.subjectAlternativeNames);
    const record = resource(parsed, "aws_route53_record", "certificate-validation-record");
    expect(record.zone_id).toBe(stage.domain.hostedZoneId);
    // The set itself, never tolist() of it: tolist() of a set with unknown elements is wholly unknown
    // at plan time and Terraform refuses the for_each (the emulator plan in .ci/run checks this for real).
    expect(record.for_each).toBe(`\${{ for dvo in aws_acm_certificate.${certName}.domain_validation_options : dvo.domain_name => dvo }}`);
    expect(record.for_each).not.toContain("tolist(");
    expect(record).toMatchObject({
      name: "${each.value.resource_record_name}",
      type: "${each.value.resource_record_type}",
      records: ["${each.value.resource_record_value}"],
    });
    const [[validationName, validation]] = resources(parsed, "aws_acm_certificate_validation");
    expect(validation.certificate_arn).toBe("${aws_acm_certificate." + certName + ".arn}");
    const [recordName] = resources(parsed, "aws_route53_record").find(([n]) => n.includes("certificate-validation-record"))!;
    expect(validation.validation_record_fqdns).toBe("${[ for key, val in aws_route53_record." + recordName + ": val.fqdn]}");
    expect(https.depends_on).toEqual([`aws_acm_certificate_validation.${validationName}`]);
  });

  it(`points the domain and every alternative name at the load balancer with alias records (${stage.edge.ipv6 ? "A and AAAA" : "A"})`, () => {
    const aliases = resources(parsed, "aws_route53_record").filter(([, r]) => r.alias);
    const types = stage.edge.ipv6 ? ["A", "AAAA"] : ["A"];
    const names = [stage.domain.name, ...stage.domain.subjectAlternativeNames];
    expect(aliases.map(([, r]) => `${r.name} ${r.type}`).sort()).toEqual(names.flatMap((n) => types.map((t) => `${n} ${t}`)).sort());
    // The domain's own records keep their addresses.
    expect(aliases.filter(([id]) => /^edge_alias-a{1,4}_/.test(id)).map(([, r]) => r.name)).toEqual(types.map(() => stage.domain.name));
    for (const [, r] of aliases) {
      expect(r).toMatchObject({
        zone_id: stage.domain.hostedZoneId,
        alias: { name: "${aws_lb." + lbName + ".dns_name}", zone_id: "${aws_lb." + lbName + ".zone_id}", evaluate_target_health: true },
      });
    }
  });

  it("admits exactly 80 and 443 from the internet, and sends only to security groups of attached targets", () => {
    const sg = parsed.resource.aws_security_group[sgName];
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toBeUndefined();
    const ingress = resources(parsed, "aws_vpc_security_group_ingress_rule")
      .filter(([, r]) => r.security_group_id === "${aws_security_group." + sgName + ".id}")
      .map(([, r]) => `${r.ip_protocol}/${r.from_port}-${r.to_port} ${r.cidr_ipv4 ?? r.cidr_ipv6}`);
    const expected = ["tcp/80-80 0.0.0.0/0", "tcp/443-443 0.0.0.0/0"];
    if (stage.edge.ipv6) expected.push("tcp/80-80 ::/0", "tcp/443-443 ::/0");
    expect(ingress.sort()).toEqual(expected.sort());
    const egress = resources(parsed, "aws_vpc_security_group_egress_rule").filter(([, r]) => r.security_group_id.includes(sgName));
    egress.forEach(([, r]) => {
      expect(r.referenced_security_group_id).toBeDefined();
      expect(r.cidr_ipv4).toBeUndefined();
    });
  });

  it("writes access logs to its own SSE-S3 bucket that only the regional ELB log delivery may write to", () => {
    expect(lb.access_logs.enabled).toBe(true);
    const bucketName = refName(lb.access_logs.bucket);
    const bucket = parsed.resource.aws_s3_bucket[bucketName];
    expect(bucket.bucket).toBe(`${stage.namePrefix}-alb-logs-\${data.aws_caller_identity.identity.account_id}`);
    expect(lb.depends_on).toEqual([expect.stringMatching(/^aws_s3_bucket_policy\./)]);
    const of = (type: string) => resources(parsed, type).find(([, r]) => r.bucket === "${aws_s3_bucket." + bucketName + ".id}")![1];
    expect(of("aws_s3_bucket_server_side_encryption_configuration").rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } },
    ]);
    expect(of("aws_s3_bucket_public_access_block")).toMatchObject({
      block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true,
    });
    expect(of("aws_s3_bucket_versioning").versioning_configuration.status).toBe("Enabled");
    expect(of("aws_s3_bucket_ownership_controls").rule.object_ownership).toBe("BucketOwnerEnforced");
    const lifecycle = of("aws_s3_bucket_lifecycle_configuration").rule[0];
    expect(lifecycle.status).toBe("Enabled");
    expect(lifecycle.expiration).toEqual([{ days: stage.edge.accessLogExpirationDays }]);
    const policy = JSON.parse(of("aws_s3_bucket_policy").policy);
    const allows = policy.Statement.filter((s: any) => s.Effect === "Allow");
    expect(allows).toEqual([
      {
        Sid: "ElbLogDeliveryWrite",
        Effect: "Allow",
        Principal: elbLogDeliveryPrincipal(stage.region),
        Action: "s3:PutObject",
        Resource: "${aws_s3_bucket." + bucketName + ".arn}/AWSLogs/${data.aws_caller_identity.identity.account_id}/*",
      },
    ]);
    expect(policy.Statement).toContainEqual(
      expect.objectContaining({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
    );
    expect(bucket.lifecycle?.prevent_destroy ?? false).toBe(stage.production);
  });

  it("outputs the URL and the load balancer's DNS name", () => {
    expect(parsed.output.url.value).toBe(`https://${stage.domain.name}`);
    expect(parsed.output.load_balancer_dns_name.value).toBe("${aws_lb." + lbName + ".dns_name}");
  });

  it("with an existing certificate: uses its ARN, issues nothing and creates no DNS records", () => {
    const arn = "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789";
    const edited = synthEdited(stageName, (raw) => {
      delete raw[stageName].domain.hostedZoneId;
      raw[stageName].domain.certificateArn = arn;
      raw[stageName].domain.subjectAlternativeNames = [];
    });
    const listener = resource(edited, "aws_lb_listener", "https-listener");
    expect(listener.certificate_arn).toBe(arn);
    expect(listener.depends_on).toBeUndefined();
    expect(edited.resource.aws_acm_certificate).toBeUndefined();
    expect(edited.resource.aws_acm_certificate_validation).toBeUndefined();
    expect(edited.resource.aws_route53_record).toBeUndefined();
    expect(edited.output.url.value).toBe(`https://${stage.domain.name}`);
  });
});

describe("elbLogDeliveryPrincipal", () => {
  it("uses the region's ELB account where AWS documents one, else the log-delivery service principal", () => {
    expect(elbLogDeliveryPrincipal("eu-west-1")).toEqual({ AWS: "arn:aws:iam::156460612806:root" });
    expect(elbLogDeliveryPrincipal("us-gov-west-1")).toEqual({ AWS: "arn:aws-us-gov:iam::048591011584:root" });
    expect(elbLogDeliveryPrincipal("cn-north-1")).toEqual({ AWS: "arn:aws-cn:iam::638102146993:root" });
    // Regions opened since August 2022 (e.g. Zurich, Spain, Hyderabad, Melbourne).
    for (const region of ["eu-central-2", "eu-south-2", "ap-south-2", "ap-southeast-4"]) {
      expect(elbLogDeliveryPrincipal(region)).toEqual({ Service: "logdelivery.elasticloadbalancing.amazonaws.com" });
    }
  });
});

describe("HttpsLoadBalancer construct", () => {
  const base: HttpsLoadBalancerProps = {
    namePrefix: "t", accountId: "123456789012", region: "eu-west-1", vpcId: "vpc-1",
    subnetIds: ["subnet-a", "subnet-b"], domainName: "app.example.com", hostedZoneId: "Z0TEST",
  };

  /** Synthesizes the construct, with a target group and its security group for `attach` to use. */
  function synth(props: Partial<HttpsLoadBalancerProps>, attach?: (edge: HttpsLoadBalancer, scope: Construct) => void): Synth {
    return JSON.parse(
      Testing.synthScope((scope) => {
        const edge = new HttpsLoadBalancer(scope, "edge", { ...base, ...props });
        attach?.(edge, scope);
      }),
    );
  }
  const targetOf = (scope: Construct, id: string) => ({
    tg: new LbTargetGroup(scope, `${id}-tg`, { name: id, port: 8080, protocol: "HTTP", targetType: "ip", vpcId: "vpc-1" }),
    sg: new SecurityGroup(scope, `${id}-sg`, { name: id, vpcId: "vpc-1" }),
  });

  it("issues and DNS-validates a certificate with its alternative names when given a zone", () => {
    const s = synth({ subjectAlternativeNames: ["www.app.example.com"], ipv6: true });
    expect(resource(s, "aws_acm_certificate")).toMatchObject({
      domain_name: "app.example.com", subject_alternative_names: ["www.app.example.com"], validation_method: "DNS",
      lifecycle: { create_before_destroy: true },
    });
    expect(resource(s, "aws_route53_record", "certificate-validation-record").zone_id).toBe("Z0TEST");
    expect(resource(s, "aws_lb_listener", "https-listener").certificate_arn).toMatch(/aws_acm_certificate_validation\./);
    expect(resources(s, "aws_route53_record").filter(([, r]) => r.alias).map(([, r]) => `${r.name} ${r.type}`)).toEqual([
      "app.example.com A", "app.example.com AAAA", "www.app.example.com A", "www.app.example.com AAAA",
    ]);
  });

  it("uses a given certificate without issuing one or touching DNS", () => {
    const arn = "arn:aws:acm:eu-west-1:123456789012:certificate/x";
    const s = synth({ hostedZoneId: undefined, certificateArn: arn });
    expect(resource(s, "aws_lb_listener", "https-listener").certificate_arn).toBe(arn);
    expect(s.resource.aws_acm_certificate).toBeUndefined();
    expect(s.resource.aws_route53_record).toBeUndefined();
  });

  it("makes a target group attached without conditions the HTTPS default, and opens ALB -> target on its port only", () => {
    const s = synth({}, (edge, scope) => {
      const { tg, sg } = targetOf(scope, "web");
      edge.attachTargetGroup(tg, { targetSecurityGroupId: sg.id, port: 8080 });
    });
    const tgName = Object.keys(s.resource.aws_lb_target_group)[0];
    expect(resource(s, "aws_lb_listener", "https-listener").default_action).toEqual([
      { type: "forward", target_group_arn: "${aws_lb_target_group." + tgName + ".arn}" },
    ]);
    expect(s.resource.aws_lb_listener_rule).toBeUndefined();
    const albSg = "${aws_security_group." + Object.keys(s.resource.aws_security_group).find((n) => n.startsWith("edge_"))! + ".id}";
    const targetSg = "${aws_security_group.web-sg.id}";
    expect(resource(s, "aws_vpc_security_group_egress_rule")).toMatchObject({
      security_group_id: albSg, referenced_security_group_id: targetSg, ip_protocol: "tcp", from_port: 8080, to_port: 8080,
    });
    const toTarget = resources(s, "aws_vpc_security_group_ingress_rule").filter(([, r]) => r.security_group_id === targetSg);
    expect(toTarget.map(([, r]) => r)).toEqual([
      expect.objectContaining({ referenced_security_group_id: albSg, ip_protocol: "tcp", from_port: 8080, to_port: 8080 }),
    ]);
  });

  it("routes host/path matches to a target group through a listener rule, keeping the 404 default", () => {
    const s = synth({}, (edge, scope) => {
      const api = targetOf(scope, "api");
      const admin = targetOf(scope, "admin");
      edge.attachTargetGroup(api.tg, { targetSecurityGroupId: api.sg.id, port: 8000, hostHeaders: ["api.example.com"], pathPatterns: ["/v1/*"] });
      edge.attachTargetGroup(admin.tg, { targetSecurityGroupId: admin.sg.id, port: 9000, pathPatterns: ["/admin/*"], priority: 5 });
    });
    expect(resource(s, "aws_lb_listener", "https-listener").default_action[0].type).toBe("fixed-response");
    const rules = resources(s, "aws_lb_listener_rule").map(([, r]) => r);
    expect(rules).toEqual([
      expect.objectContaining({
        priority: 100,
        listener_arn: expect.stringMatching(/^\$\{aws_lb_listener\.edge_https-listener_[^.]+\.arn\}$/),
        action: [{ type: "forward", target_group_arn: "${aws_lb_target_group.api-tg.arn}" }],
        condition: [{ host_header: { values: ["api.example.com"] } }, { path_pattern: { values: ["/v1/*"] } }],
      }),
      expect.objectContaining({ priority: 5, condition: [{ path_pattern: { values: ["/admin/*"] } }] }),
    ]);
    const egress = resources(s, "aws_vpc_security_group_egress_rule").map(([, r]) => `${r.referenced_security_group_id}:${r.from_port}`);
    expect(egress).toEqual(["${aws_security_group.api-sg.id}:8000", "${aws_security_group.admin-sg.id}:9000"]);
  });

  it("fails when two target groups would both be the default, or priorities collide, naming the value", () => {
    expect(() =>
      synth({}, (edge, scope) => {
        const a = targetOf(scope, "a");
        const b = targetOf(scope, "b");
        edge.attachTargetGroup(a.tg, { targetSecurityGroupId: a.sg.id, port: 8080 });
        edge.attachTargetGroup(b.tg, { targetSecurityGroupId: b.sg.id, port: 8080 });
      }),
    ).toThrow("attachTargetGroup(b-tg): the listener already has a default target group");
    expect(() =>
      synth({}, (edge, scope) => {
        const a = targetOf(scope, "a");
        const b = targetOf(scope, "b");
        edge.attachTargetGroup(a.tg, { targetSecurityGroupId: a.sg.id, port: 8080, pathPatterns: ["/a/*"], priority: 7 });
        edge.attachTargetGroup(b.tg, { targetSecurityGroupId: b.sg.id, port: 8080, pathPatterns: ["/b/*"], priority: 7 });
      }),
    ).toThrow("priority must be a whole number 1-50000 not used by another rule, got 7");
    expect(() =>
      synth({}, (edge, scope) => {
        const a = targetOf(scope, "a");
        edge.attachTargetGroup(a.tg, { targetSecurityGroupId: a.sg.id, port: 0 });
      }),
    ).toThrow("port must be 1-65535, got 0");
  });

  it("fails when given both or neither certificate source, naming the props", () => {
    const make = (props: Partial<HttpsLoadBalancerProps>) => () =>
      new HttpsLoadBalancer(new TerraformStack(testApp(), "s"), "edge", { ...base, ...props });
    expect(make({ certificateArn: "arn:aws:acm:eu-west-1:1:certificate/x" })).toThrow(
      "give exactly one of hostedZoneId (issue a certificate) or certificateArn (use an existing one), got hostedZoneId=Z0TEST and certificateArn=arn:aws:acm:eu-west-1:1:certificate/x",
    );
    expect(make({ hostedZoneId: undefined })).toThrow("got hostedZoneId=undefined and certificateArn=undefined");
    expect(make({ sslPolicy: "ELBSecurityPolicy-2016-08" })).toThrow('sslPolicy must be a TLS 1.3 policy (ELBSecurityPolicy-TLS13-...), got "ELBSecurityPolicy-2016-08"');
    expect(make({ subnetIds: ["subnet-a"] })).toThrow("subnetIds must list at least two subnets (an ALB spans two AZs or more), got 1");
  });
});
