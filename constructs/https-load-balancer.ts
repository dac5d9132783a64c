/**
 * The internet-facing edge of a stage: an Application Load Balancer in the public
 * subnets with an HTTPS listener (TLS 1.3 policy, ACM certificate) and an HTTP
 * listener that only redirects to HTTPS, access logs to a private bucket of its own,
 * a security group open to the internet on 80 and 443 only, and (when a Route 53
 * zone is given) a DNS-validated certificate and alias records for the domain.
 *
 * Until a service attaches, the HTTPS listener answers every request with a fixed
 * 404. `attachTargetGroup` makes a target group the default (no conditions) or
 * routes host/path matches to it, and opens exactly the path ALB -> target port in
 * both security groups.
 *
 * @example
 * const edge = new HttpsLoadBalancer(this, "edge", {
 *   namePrefix: "faq-prod", accountId: identity.accountId, region: "eu-west-1",
 *   vpcId: network.vpc.id, subnetIds: network.publicSubnets.map((s) => s.id),
 *   domainName: "faq.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ",
 * });
 * edge.attachTargetGroup(web.targetGroup, { targetSecurityGroupId: web.securityGroup.id, port: 8080 });
 * new TerraformOutput(this, "url", { value: edge.url });
 */
import { Construct } from "constructs";
import { TerraformIterator, Token } from "cdktf";
import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbListenerRule } from "@cdktf/provider-aws/lib/lb-listener-rule";
import type { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { PrivateBucket } from "./private-bucket";

/**
 * Elastic Load Balancing accounts that deliver access logs in the Regions available
 * before August 2022. Regions opened since then deliver as the service principal
 * `logdelivery.elasticloadbalancing.amazonaws.com` instead (and do not accept the account form).
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html#attach-bucket-policy
 */
export const ELB_LOG_DELIVERY_ACCOUNTS: Readonly<Record<string, string>> = {
  "us-east-1": "127311923021",
  "us-east-2": "033677994240",
  "us-west-1": "027434742980",
  "us-west-2": "797873946194",
  "af-south-1": "098369216593",
  "ap-east-1": "754344448648",
  "ap-southeast-3": "589379963580",
  "ap-south-1": "718504428378",
  "ap-northeast-3": "383597477331",
  "ap-northeast-2": "600734575887",
  "ap-southeast-1": "114774131450",
  "ap-southeast-2": "783225319266",
  "ap-northeast-1": "582318560864",
  "ca-central-1": "985666609251",
  "eu-central-1": "054676820928",
  "eu-west-1": "156460612806",
  "eu-west-2": "652711504416",
  "eu-south-1": "635631232127",
  "eu-west-3": "009996457667",
  "eu-north-1": "897822967062",
  "me-south-1": "076674570225",
  "sa-east-1": "507241528517",
  "us-gov-west-1": "048591011584",
  "us-gov-east-1": "190560391635",
  "cn-north-1": "638102146993",
  "cn-northwest-1": "037604701340",
};

/** The principal that writes ALB access logs in a region, as a bucket-policy `Principal`. */
export function elbLogDeliveryPrincipal(region: string): { AWS: string } | { Service: string } {
  const account = ELB_LOG_DELIVERY_ACCOUNTS[region];
  if (account === undefined) return { Service: "logdelivery.elasticloadbalancing.amazonaws.com" };
  const partition = region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
  return { AWS: `arn:${partition}:iam::${account}:root` };
}

/** How a target group is attached to the HTTPS listener (see `HttpsLoadBalancer.attachTargetGroup`). */
export interface AttachTargetGroupOptions {
  /** Security group of the targets: the ALB may reach it on `port`, and it admits the ALB on `port`. */
  readonly targetSecurityGroupId: string;
  /** Port the targets listen on (traffic and health checks). */
  readonly port: number;
  /**
   * Route only requests for these hosts to the target group.
   * @default - no host condition
   */
  readonly hostHeaders?: string[];
  /**
   * Route only requests for these paths (e.g. "/api/*") to the target group.
   * @default - no path condition
   */
  readonly pathPatterns?: string[];
  /**
   * Priority of the listener rule, 1-50000 (only with host or path conditions; lower wins).
   * @default - 100 for the first conditional rule, +10 for each next one
   */
  readonly priority?: number;
}

export interface HttpsLoadBalancerProps {
  /** Prefix of resource names (3-16 characters). */
  readonly namePrefix: string;
  /** Account ID (access-log bucket name and policy). */
  readonly accountId: string;
  /** Region of the stage (selects the access-log delivery principal). */
  readonly region: string;
  /** VPC of the load balancer's security group. */
  readonly vpcId: string;
  /** Public subnets, one per AZ (at least two). */
  readonly subnetIds: string[];
  /** Public hostname served, e.g. faq.example.com. */
  readonly domainName: string;
  /**
   * Route 53 public hosted zone of `domainName`: a certificate is issued and DNS-validated in it,
   * and the alias records are created there. Give exactly one of this and `certificateArn`.
   * @default - none (then `certificateArn` is required)
   */
  readonly hostedZoneId?: string;
  /**
   * Existing ACM certificate for `domainName` (DNS is then managed outside this construct).
   * @default - none (then `hostedZoneId` is required)
   */
  readonly certificateArn?: string;
  /**
   * Extra names on the issued certificate (only with `hostedZoneId`; validated in the same zone).
   * @default []
   */
  readonly subjectAlternativeNames?: string[];
  /**
   * TLS policy of the HTTPS listener.
   * @default "ELBSecurityPolicy-TLS13-1-2-2021-06"
   */
  readonly sslPolicy?: string;
  /**
   * Seconds a connection may stay idle (1-4000).
   * @default 60
   */
  readonly idleTimeoutSeconds?: number;
  /**
   * Refuse deletion of the load balancer through the API.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Dual-stack (IPv4 and IPv6) load balancer, IPv6 ingress rules and an AAAA record
   * (the subnets must have IPv6 ranges).
   * @default false
   */
  readonly ipv6?: boolean;
  /**
   * Days access-log objects are kept.
   * @default 90
   */
  readonly accessLogExpirationDays?: number;
  /**
   * Refuse `terraform destroy` of the access-log bucket (lifecycle prevent_destroy).
   * @default false
   */
  readonly preventDestroy?: boolean;
}

/** What the HTTPS listener answers while nothing is attached. */
const NOT_FOUND = {
  type: "fixed-response",
  fixedResponse: { contentType: "text/plain", messageBody: "Not Found", statusCode: "404" },
};

export class HttpsLoadBalancer extends Construct {
  /** The Application Load Balancer. */
  public readonly loadBalancer: Lb;
  /** Its security group: 80 and 443 in from the internet, out only to attached targets. */
  public readonly securityGroup: SecurityGroup;
  /** HTTPS listener on 443 (fixed 404 until a target group is attached as the default). */
  public readonly httpsListener: LbListener;
  /** HTTP listener on 80: a permanent redirect to HTTPS, nothing else. */
  public readonly httpListener: LbListener;
  /** ARN of the listener's certificate (for an issued one, available once validated). */
  public readonly certificateArn: string;
  /** The issued certificate, when `hostedZoneId` is given. */
  public readonly certificate?: AcmCertificate;
  /** The wait for its DNS validation, when `hostedZoneId` is given. */
  public readonly certificateValidation?: AcmCertificateValidation;
  /**
   * Alias records (A, and AAAA when dual-stack) for the domain and each subject alternative name, when
   * `hostedZoneId` is given: every name on the certificate resolves to the load balancer.
   */
  public readonly aliasRecords: Route53Record[];
  /** Bucket receiving the access logs (SSE-S3: ALB log delivery does not support KMS). */
  public readonly accessLogBucket: PrivateBucket;
  /** https://<domainName> */
  public readonly url: string;

  private defaultAttached = false;
  private readonly rulePriorities = new Set<number>();
  private attachments = 0;

  constructor(scope: Construct, id: string, props: HttpsLoadBalancerProps) {
    super(scope, id);
    const subjectAlternativeNames = props.subjectAlternativeNames ?? [];
    const sslPolicy = props.sslPolicy ?? "ELBSecurityPolicy-TLS13-1-2-2021-06";
    const idleTimeoutSeconds = props.idleTimeoutSeconds ?? 60;
    const deletionProtection = props.deletionProtection ?? true;
    const ipv6 = props.ipv6 ?? false;
    const accessLogExpirationDays = props.accessLogExpirationDays ?? 90;
    const preventDestroy = props.preventDestroy ?? false;

    if ((props.hostedZoneId === undefined) === (props.certificateArn === undefined)) {
      throw new Error(
        `HttpsLoadBalancer ${id}: give exactly one of hostedZoneId (issue a certificate) or certificateArn (use an existing one), ` +
          `got hostedZoneId=${props.hostedZoneId ?? "undefined"} and certificateArn=${props.certificateArn ?? "undefined"}`,
      );
    }
    if (props.certificateArn !== undefined && subjectAlternativeNames.length > 0) {
      throw new Error(
        `HttpsLoadBalancer ${id}: subjectAlternativeNames only apply to an issued certificate (hostedZoneId), got ${JSON.stringify(subjectAlternativeNames)} with certificateArn`,
      );
    }
    if (!sslPolicy.startsWith("ELBSecurityPolicy-TLS13-")) {
      throw new Error(`HttpsLoadBalancer ${id}: sslPolicy must be a TLS 1.3 policy (ELBSecurityPolicy-TLS13-...), got "${sslPolicy}"`);
    }
    if (!Number.isInteger(idleTimeoutSeconds) || idleTimeoutSeconds < 1 || idleTimeoutSeconds > 4000) {
      throw new Error(`HttpsLoadBalancer ${id}: idleTimeoutSeconds must be a whole number from 1 to 4000, got ${idleTimeoutSeconds}`);
    }
    if (!Token.isUnresolved(props.subnetIds) && props.subnetIds.length < 2) {
      throw new Error(`HttpsLoadBalancer ${id}: subnetIds must list at least two subnets (an ALB spans two AZs or more), got ${props.subnetIds.length}`);
    }

    const prefix = props.namePrefix;
    this.url = `https://${props.domainName}`;

    // Access logs: the bucket policy must let the regional ELB log-delivery principal write
    // under AWSLogs/<account>/ before the load balancer is created (ELB checks on creation).
    this.accessLogBucket = new PrivateBucket(this, "access-logs", {
      bucketName: `${prefix}-alb-logs-${props.accountId}`,
      expirationDays: accessLogExpirationDays,
      preventDestroy,
      policyStatements: (bucketArn) => [
        {
          Sid: "ElbLogDeliveryWrite",
          Effect: "Allow",
          Principal: elbLogDeliveryPrincipal(props.region),
          Action: "s3:PutObject",
          Resource: `${bucketArn}/AWSLogs/${props.accountId}/*`,
        },
      ],
    });

    this.securityGroup = new SecurityGroup(this, "security-group", {
      name: `${prefix}-alb`,
      description: "Load balancer: HTTP and HTTPS from the internet, out to attached targets only",
      vpcId: props.vpcId,
      tags: { Name: `${prefix}-alb` },
    });
    const sources: [string, { cidrIpv4: string } | { cidrIpv6: string }][] = [["ipv4", { cidrIpv4: "0.0.0.0/0" }]];
    if (ipv6) sources.push(["ipv6", { cidrIpv6: "::/0" }]);
    for (const [family, source] of sources) {
      for (const [protocol, port] of [["http", 80], ["https", 443]] as const) {
        new VpcSecurityGroupIngressRule(this, `${protocol}-from-internet-${family}`, {
          securityGroupId: this.securityGroup.id,
          description: `${protocol.toUpperCase()} from the internet (${family})`,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          ...source,
        });
      }
    }

    this.loadBalancer = new Lb(this, "load-balancer", {
      name: `${prefix}-alb`,
      loadBalancerType: "application",
      internal: false,
      ipAddressType: ipv6 ? "dualstack" : "ipv4",
      subnets: props.subnetIds,
      securityGroups: [this.securityGroup.id],
      idleTimeout: idleTimeoutSeconds,
      enableDeletionProtection: deletionProtection,
      enableHttp2: true,
      dropInvalidHeaderFields: true,
      accessLogs: { bucket: this.accessLogBucket.bucket.bucket, enabled: true },
      tags: { Name: `${prefix}-alb` },
      dependsOn: [this.accessLogBucket.policy],
    });

    // Certificate: issued and DNS-validated in the zone, or given.
    if (props.hostedZoneId !== undefined) {
      this.certificate = new AcmCertificate(this, "certificate", {
        domainName: props.domainName,
        subjectAlternativeNames: subjectAlternativeNames.length > 0 ? subjectAlternativeNames : undefined,
        validationMethod: "DNS",
        keyAlgorithm: "RSA_2048",
        tags: { Name: props.domainName },
        // A replacement certificate must be issued before the listener lets go of the old one.
        lifecycle: { createBeforeDestroy: true },
      });
      // One validation record per name on the certificate, keyed by the (plan-time known) domain name.
      const validationOptions = TerraformIterator.fromComplexList(this.certificate.domainValidationOptions, "domain_name");
      const validationRecords = new Route53Record(this, "certificate-validation-record", {
        forEach: validationOptions,
        zoneId: props.hostedZoneId,
        name: validationOptions.getString("resource_record_name"),
        type: validationOptions.getString("resource_record_type"),
        records: [validationOptions.getString("resource_record_value")],
        ttl: 60,
        // A wildcard and its apex share one validation record.
        allowOverwrite: true,
      });
      // The iterator writes `tolist(<set>)`: before the certificate exists its validation options are
      // unknown, and tolist() of such a set is wholly unknown, so `terraform plan` refuses a for_each
      // over two or more names ("Invalid for_each argument"). Iterating the set itself keeps the
      // keys, the domain names, known at plan time (the pattern in the AWS provider's
      // aws_acm_certificate_validation documentation).
      const certificateAddress = `${this.certificate.terraformResourceType}.${this.certificate.friendlyUniqueId}`;
      validationRecords.addOverride(
        "for_each",
        `\${{ for dvo in ${certificateAddress}.domain_validation_options : dvo.domain_name => dvo }}`,
      );
      this.certificateValidation = new AcmCertificateValidation(this, "certificate-validation", {
        certificateArn: this.certificate.arn,
        validationRecordFqdns: Token.asList(TerraformIterator.fromResources(validationRecords).pluckProperty("fqdn")),
      });
      // Referencing the validation (not the certificate) makes the listener wait for it.
      this.certificateArn = this.certificateValidation.certificateArn;

      // The domain's records keep their original IDs; each alternative name's carry the name.
      this.aliasRecords = [props.domainName, ...subjectAlternativeNames].flatMap((name, i) =>
        (ipv6 ? ["A", "AAAA"] : ["A"]).map(
          (type) =>
            new Route53Record(this, i === 0 ? `alias-${type.toLowerCase()}` : `alias-${name}-${type.toLowerCase()}`, {
              zoneId: props.hostedZoneId!,
              name,
              type,
              alias: { name: this.loadBalancer.dnsName, zoneId: this.loadBalancer.zoneId, evaluateTargetHealth: true },
            }),
        ),
      );
    } else {
      this.certificateArn = props.certificateArn!;
      this.aliasRecords = [];
    }

    this.httpsListener = new LbListener(this, "https-listener", {
      loadBalancerArn: this.loadBalancer.arn,
      port: 443,
      protocol: "HTTPS",
      sslPolicy,
      certificateArn: this.certificateArn,
      defaultAction: [NOT_FOUND],
      dependsOn: this.certificateValidation ? [this.certificateValidation] : undefined,
    });

    this.httpListener = new LbListener(this, "http-listener", {
      loadBalancerArn: this.loadBalancer.arn,
      port: 80,
      protocol: "HTTP",
      defaultAction: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
    });
  }

  /**
   * Sends HTTPS traffic to a target group: as the listener's default action when no host or path
   * condition is given (replacing the fixed 404), else through a listener rule. Also lets the load
   * balancer reach the targets: an egress rule on its security group to `targetSecurityGroupId` on
   * `port`, and an ingress rule on `targetSecurityGroupId` from the load balancer on `port`.
   */
  public attachTargetGroup(targetGroup: LbTargetGroup, options: AttachTargetGroupOptions): void {
    const { targetSecurityGroupId, port } = options;
    const hostHeaders = options.hostHeaders ?? [];
    const pathPatterns = options.pathPatterns ?? [];
    const conditional = hostHeaders.length > 0 || pathPatterns.length > 0;
    const where = `HttpsLoadBalancer ${this.node.id}.attachTargetGroup(${targetGroup.node.id})`;
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${where}: port must be 1-65535, got ${port}`);
    if (!conditional && options.priority !== undefined) {
      throw new Error(`${where}: priority only applies with hostHeaders or pathPatterns, got priority ${options.priority} without conditions`);
    }
    if (!conditional && this.defaultAttached) {
      throw new Error(`${where}: the listener already has a default target group; give hostHeaders or pathPatterns for another one`);
    }

    const index = this.attachments++;
    const key = `target-${index}`;
    if (conditional) {
      const priority = options.priority ?? 100 + 10 * this.rulePriorities.size;
      if (!Number.isInteger(priority) || priority < 1 || priority > 50000 || this.rulePriorities.has(priority)) {
        throw new Error(`${where}: priority must be a whole number 1-50000 not used by another rule, got ${priority}`);
      }
      this.rulePriorities.add(priority);
      new LbListenerRule(this, `${key}-rule`, {
        listenerArn: this.httpsListener.arn,
        priority,
        action: [{ type: "forward", targetGroupArn: targetGroup.arn }],
        condition: [
          ...(hostHeaders.length > 0 ? [{ hostHeader: { values: hostHeaders } }] : []),
          ...(pathPatterns.length > 0 ? [{ pathPattern: { values: pathPatterns } }] : []),
        ],
      });
    } else {
      this.defaultAttached = true;
      this.httpsListener.putDefaultAction([{ type: "forward", targetGroupArn: targetGroup.arn }]);
    }

    new VpcSecurityGroupEgressRule(this, `${key}-egress`, {
      securityGroupId: this.securityGroup.id,
      description: `To targets of ${targetGroup.node.id} on ${port}`,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      referencedSecurityGroupId: targetSecurityGroupId,
    });
    new VpcSecurityGroupIngressRule(this, `${key}-ingress`, {
      securityGroupId: targetSecurityGroupId,
      description: `From the load balancer on ${port}`,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      referencedSecurityGroupId: this.securityGroup.id,
    });
  }
}
