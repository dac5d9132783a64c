/**
 * The VPC every tier lives in: three subnet tiers across the stage's AZs.
 *
 * - public: load balancer and NAT gateways; routes to the internet gateway;
 * - private: ECS tasks; routes out through a NAT gateway (one shared, or one per AZ);
 * - isolated: database and cache; no route out of the VPC at all.
 *
 * Subnet ranges are carved from the VPC range at synthesis time (each tier gets
 * four /(n+4) slots: public 0-3, private 4-7, isolated 8-11), so they are plain
 * values in the plan. Zones are given by ID, in a fixed order (config/zones.ts), so
 * no zone's change of state and no new zone moves a subnet, and there is no
 * wrap-around: a zone per index, each listed once.
 *
 * @example
 * const network = new Network(this, "network", {
 *   namePrefix: "faq-prod", region: "eu-west-1", accountId: identity.accountId,
 *   vpcCidr: "10.30.0.0/16", availabilityZoneIds: ["euw1-az1", "euw1-az2", "euw1-az3"],
 *   natGateways: "perAz", interfaceEndpoints: true,
 *   logRetentionDays: 365, logsKmsKeyArn: logsKey.key.arn,
 * });
 * new DbSubnetGroup(this, "db", { subnetIds: network.isolatedSubnets.map((s) => s.id) });
 */
import { Construct } from "constructs";
import { Fn } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { cidrSubnet, parseIpv4Cidr } from "../config/cidr";

/** Interface endpoints created when `interfaceEndpoints` is on: image pulls, logs, secrets, ECS Exec, KMS. */
export const INTERFACE_ENDPOINT_SERVICES = ["ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssmmessages", "kms"] as const;

export interface NetworkProps {
  /** Prefix of resource names. */
  readonly namePrefix: string;
  /** Region (for endpoint service names). */
  readonly region: string;
  /** Account ID (for the flow-log role's trust condition). */
  readonly accountId: string;
  /** VPC range, /16 to /24. */
  readonly vpcCidr: string;
  /**
   * Availability zone IDs (`euw1-az1`), 2 to 4, in subnet order: subnet i of every tier goes to zone i.
   * IDs, not names: they are the same zones in every account and do not shift when a zone changes state.
   */
  readonly availabilityZoneIds: readonly string[];
  /** One NAT gateway for all AZs, or one per AZ. */
  readonly natGateways: "single" | "perAz";
  /** Create interface endpoints (INTERFACE_ENDPOINT_SERVICES) in the private subnets. */
  readonly interfaceEndpoints: boolean;
  /** Retention of the flow-log group. */
  readonly logRetentionDays: number;
  /** KMS key encrypting the flow-log group. */
  readonly logsKmsKeyArn: string;
  /**
   * Give the VPC an Amazon IPv6 block and the public subnets a /64 each (for a dual-stack load balancer).
   * @default false
   */
  readonly ipv6?: boolean;
}

export class Network extends Construct {
  /** The VPC. */
  public readonly vpc: Vpc;
  /** Public subnets, one per AZ (load balancer, NAT gateways). */
  public readonly publicSubnets: Subnet[];
  /** Private subnets with egress through NAT, one per AZ (ECS tasks). */
  public readonly privateSubnets: Subnet[];
  /** Isolated subnets without any route out, one per AZ (database, cache). */
  public readonly isolatedSubnets: Subnet[];
  /** NAT gateways: one, or one per AZ. */
  public readonly natGateways: NatGateway[];
  /** Route tables of the private subnets, one per AZ. */
  public readonly privateRouteTables: RouteTable[];
  /** Route tables of the isolated subnets, one per AZ; they hold no route. */
  public readonly isolatedRouteTables: RouteTable[];
  /** Log group receiving the VPC flow logs. */
  public readonly flowLogGroup: CloudwatchLogGroup;
  /** Security group of the interface endpoints (HTTPS from the VPC), if created. */
  public readonly endpointSecurityGroup?: SecurityGroup;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const ipv6 = props.ipv6 ?? false;
    const vpcNetwork = parseIpv4Cidr(props.vpcCidr);
    if (!vpcNetwork || vpcNetwork.prefixLength < 16 || vpcNetwork.prefixLength > 24) {
      throw new Error(`Network ${id}: vpcCidr must be an IPv4 CIDR from /16 to /24, got "${props.vpcCidr}"`);
    }
    const azCount = props.availabilityZoneIds.length;
    if (azCount < 2 || azCount > 4) {
      throw new Error(`Network ${id}: availabilityZoneIds must list 2 to 4 zones, got ${azCount}`);
    }
    const repeated = props.availabilityZoneIds.find((z, i) => props.availabilityZoneIds.indexOf(z) !== i);
    if (repeated !== undefined) throw new Error(`Network ${id}: availabilityZoneIds lists "${repeated}" twice`);
    const prefix = props.namePrefix;
    const name = (n: string) => ({ Name: `${prefix}-${n}` });

    const azs = [...props.availabilityZoneIds];

    this.vpc = new Vpc(this, "vpc", {
      cidrBlock: props.vpcCidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      assignGeneratedIpv6CidrBlock: ipv6 ? true : undefined,
      tags: name("vpc"),
    });

    // Adopt the default security group and leave it without rules, so nothing can use it by accident.
    new DefaultSecurityGroup(this, "default-security-group", {
      vpcId: this.vpc.id,
      ingress: [],
      egress: [],
      tags: name("default-deny-all"),
    });

    const igw = new InternetGateway(this, "igw", { vpcId: this.vpc.id, tags: name("igw") });

    const subnet = (tier: string, index: number, slot: number, extra: Partial<ConstructorParameters<typeof Subnet>[2]> = {}) =>
      new Subnet(this, `${tier}-${index}`, {
        vpcId: this.vpc.id,
        availabilityZoneId: azs[index],
        cidrBlock: cidrSubnet(props.vpcCidr, 4, slot * 4 + index),
        mapPublicIpOnLaunch: false,
        tags: { ...name(`${tier}-${index + 1}`), Tier: tier },
        ...extra,
      });

    this.publicSubnets = azs.map((_, i) =>
      subnet("public", i, 0, ipv6 ? { ipv6CidrBlock: Fn.cidrsubnet(this.vpc.ipv6CidrBlock, 8, i) } : {}),
    );
    this.privateSubnets = azs.map((_, i) => subnet("private", i, 1));
    this.isolatedSubnets = azs.map((_, i) => subnet("isolated", i, 2));

    const publicRoutes = new RouteTable(this, "public-routes", { vpcId: this.vpc.id, tags: name("public") });
    new Route(this, "public-default-route", {
      routeTableId: publicRoutes.id,
      destinationCidrBlock: "0.0.0.0/0",
      gatewayId: igw.id,
    });
    if (ipv6) {
      new Route(this, "public-default-route-ipv6", {
        routeTableId: publicRoutes.id,
        destinationIpv6CidrBlock: "::/0",
        gatewayId: igw.id,
      });
    }
    this.publicSubnets.forEach((s, i) => {
      new RouteTableAssociation(this, `public-${i}-routes`, { subnetId: s.id, routeTableId: publicRoutes.id });
    });

    const natCount = props.natGateways === "perAz" ? azCount : 1;
    this.natGateways = Array.from({ length: natCount }, (_, i) => {
      const eip = new Eip(this, `nat-${i}-ip`, { domain: "vpc", tags: name(`nat-${i + 1}`) });
      return new NatGateway(this, `nat-${i}`, {
        allocationId: eip.allocationId,
        subnetId: this.publicSubnets[i].id,
        tags: name(`nat-${i + 1}`),
        dependsOn: [igw],
      });
    });

    this.privateRouteTables = this.privateSubnets.map((s, i) => {
      const table = new RouteTable(this, `private-${i}-routes`, { vpcId: this.vpc.id, tags: name(`private-${i + 1}`) });
      new Route(this, `private-${i}-default-route`, {
        routeTableId: table.id,
        destinationCidrBlock: "0.0.0.0/0",
        natGatewayId: this.natGateways[Math.min(i, natCount - 1)].id,
      });
      new RouteTableAssociation(this, `private-${i}-association`, { subnetId: s.id, routeTableId: table.id });
      return table;
    });

    this.isolatedRouteTables = this.isolatedSubnets.map((s, i) => {
      const table = new RouteTable(this, `isolated-${i}-routes`, { vpcId: this.vpc.id, tags: name(`isolated-${i + 1}`) });
      new RouteTableAssociation(this, `isolated-${i}-association`, { subnetId: s.id, routeTableId: table.id });
      return table;
    });

    // Flow logs: every accepted and rejected flow, to an encrypted log group with retention.
    this.flowLogGroup = new CloudwatchLogGroup(this, "flow-logs", {
      name: `/${prefix}/vpc/flow-logs`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.logsKmsKeyArn,
    });
    const flowLogRole = new IamRole(this, "flow-log-role", {
      name: `${prefix}-vpc-flow-logs`,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "vpc-flow-logs.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:SourceAccount": props.accountId } },
          },
        ],
      }),
    });
    new IamRolePolicy(this, "flow-log-policy", {
      role: flowLogRole.id,
      name: "write-flow-logs",
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            Resource: [this.flowLogGroup.arn, `${this.flowLogGroup.arn}:*`],
          },
        ],
      }),
    });
    new FlowLog(this, "flow-log", {
      vpcId: this.vpc.id,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: this.flowLogGroup.arn,
      iamRoleArn: flowLogRole.arn,
      maxAggregationInterval: 60,
      tags: name("flow-log"),
    });

    // S3 gateway endpoint: ECR image layers come from S3; free, and keeps that traffic off the NAT.
    new VpcEndpoint(this, "s3-endpoint", {
      vpcId: this.vpc.id,
      serviceName: `com.amazonaws.${props.region}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: this.privateRouteTables.map((t) => t.id),
      tags: name("s3"),
    });

    if (props.interfaceEndpoints) {
      this.endpointSecurityGroup = new SecurityGroup(this, "endpoint-sg", {
        name: `${prefix}-vpc-endpoints`,
        description: "HTTPS from inside the VPC to the interface endpoints",
        vpcId: this.vpc.id,
        tags: name("vpc-endpoints"),
      });
      new VpcSecurityGroupIngressRule(this, "endpoint-https-from-vpc", {
        securityGroupId: this.endpointSecurityGroup.id,
        description: "HTTPS from the VPC",
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: props.vpcCidr,
      });
      for (const service of INTERFACE_ENDPOINT_SERVICES) {
        new VpcEndpoint(this, `${service.replace(".", "-")}-endpoint`, {
          vpcId: this.vpc.id,
          serviceName: `com.amazonaws.${props.region}.${service}`,
          vpcEndpointType: "Interface",
          privateDnsEnabled: true,
          subnetIds: this.privateSubnets.map((s) => s.id),
          securityGroupIds: [this.endpointSecurityGroup.id],
          tags: name(service),
        });
      }
    }
  }
}
