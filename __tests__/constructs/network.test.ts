import { Testing, TerraformStack } from "cdktf";
import { cidrSubnet, parseIpv4Cidr } from "../../config/cidr";
import { INTERFACE_ENDPOINT_SERVICES, Network } from "../../constructs/network";
import { regionInfo } from "../../config/regions";
import { zoneIdsOf } from "../../config/zones";
import { resources, synthStage, type Synth, STAGE_NAMES, validStages, testApp } from "../helpers/stages";

function subnetsOfTier(synth: Synth, tier: string) {
  return resources(synth, "aws_subnet").filter(([, s]) => s.tags.Tier === tier);
}

function inside(inner: string, outer: string): boolean {
  const a = parseIpv4Cidr(inner)!;
  const b = parseIpv4Cidr(outer)!;
  return a.prefixLength >= b.prefixLength && (a.base >>> (32 - b.prefixLength)) === (b.base >>> (32 - b.prefixLength));
}

describe.each(STAGE_NAMES)("network of %s", (stageName) => {
  const stage = validStages().find((s) => s.name === stageName)!;
  const { parsed } = synthStage(stageName);
  const azCount = stage.network.azCount;

  it("has one subnet per configured AZ in each tier, by zone ID in a fixed order, each in a different zone", () => {
    const zoneIds = zoneIdsOf(stage.region, stage.network);
    expect(zoneIds).toEqual(stage.network.azIds ?? regionInfo(stage.region)!.azIds.slice(0, azCount));
    for (const tier of ["public", "private", "isolated"]) {
      const subnets = subnetsOfTier(parsed, tier);
      expect(subnets).toHaveLength(azCount);
      expect(subnets.map(([, s]) => s.availability_zone_id)).toEqual(zoneIds);
      subnets.forEach(([, s]) => expect(s.availability_zone).toBeUndefined());
    }
    // No zone lookup left whose answer could change between plans.
    expect(parsed.data?.aws_availability_zones).toBeUndefined();
  });

  it("derives non-overlapping subnet ranges from the VPC range", () => {
    const cidrs = resources(parsed, "aws_subnet").map(([, s]) => s.cidr_block as string);
    expect(new Set(cidrs).size).toBe(cidrs.length);
    cidrs.forEach((c) => expect(inside(c, stage.network.vpcCidr)).toBe(true));
    expect(subnetsOfTier(parsed, "isolated").map(([, s]) => s.cidr_block)).toEqual(
      Array.from({ length: azCount }, (_, i) => cidrSubnet(stage.network.vpcCidr, 4, 8 + i)),
    );
  });

  it("gives no public IPs on launch", () => {
    resources(parsed, "aws_subnet").forEach(([, s]) => expect(s.map_public_ip_on_launch).toBe(false));
  });

  it("leaves the isolated subnets without any route out", () => {
    const isolatedTables = resources(parsed, "aws_route_table_association")
      .filter(([, a]) => subnetsOfTier(parsed, "isolated").some(([name]) => a.subnet_id.includes(`.${name}.`)))
      .map(([, a]) => a.route_table_id as string);
    expect(isolatedTables).toHaveLength(azCount);
    const routesOfIsolated = resources(parsed, "aws_route").filter(([, r]) => isolatedTables.includes(r.route_table_id));
    expect(routesOfIsolated).toEqual([]);
    for (const table of isolatedTables) {
      const name = /aws_route_table\.([^.]+)\.id/.exec(table)![1];
      expect(parsed.resource.aws_route_table[name].route).toBeUndefined();
    }
    const endpoints = resources(parsed, "aws_vpc_endpoint").flatMap(([, e]) => e.route_table_ids ?? []);
    isolatedTables.forEach((t) => expect(endpoints).not.toContain(t));
  });

  it(`routes private subnets through ${stage.network.natGateways === "perAz" ? "one NAT gateway per AZ" : "one shared NAT gateway"}`, () => {
    const nats = resources(parsed, "aws_nat_gateway");
    expect(nats).toHaveLength(stage.network.natGateways === "perAz" ? azCount : 1);
    const natRoutes = resources(parsed, "aws_route").filter(([, r]) => r.nat_gateway_id);
    expect(natRoutes).toHaveLength(azCount);
    expect(new Set(natRoutes.map(([, r]) => r.nat_gateway_id)).size).toBe(nats.length);
    natRoutes.forEach(([, r]) => expect(r.destination_cidr_block).toBe("0.0.0.0/0"));
  });

  it("logs every flow to an encrypted log group with retention", () => {
    const [[, flowLog]] = resources(parsed, "aws_flow_log");
    expect(flowLog).toMatchObject({ traffic_type: "ALL", log_destination_type: "cloud-watch-logs" });
    const groupName = /aws_cloudwatch_log_group\.([^.]+)\.arn/.exec(flowLog.log_destination)![1];
    const group = parsed.resource.aws_cloudwatch_log_group[groupName];
    expect(group.retention_in_days).toBe(stage.logRetentionDays);
    expect(group.kms_key_id).toMatch(/^\$\{aws_kms_key\./);
  });

  it("adopts the default security group and empties it", () => {
    const [[, sg]] = resources(parsed, "aws_default_security_group");
    expect(sg.ingress).toEqual([]);
    expect(sg.egress).toEqual([]);
  });

  it("has an S3 gateway endpoint, and interface endpoints as configured", () => {
    const endpoints = resources(parsed, "aws_vpc_endpoint").map(([, e]) => e);
    expect(endpoints.filter((e) => e.vpc_endpoint_type === "Gateway").map((e) => e.service_name)).toEqual([`com.amazonaws.${stage.region}.s3`]);
    const interfaces = endpoints.filter((e) => e.vpc_endpoint_type === "Interface").map((e) => e.service_name);
    const expected = stage.network.interfaceEndpoints ? INTERFACE_ENDPOINT_SERVICES.map((s) => `com.amazonaws.${stage.region}.${s}`) : [];
    expect(interfaces.sort()).toEqual([...expected].sort());
  });
});

describe("Network construct", () => {
  it("exposes the VPC and each tier's subnets", () => {
    let network: Network | undefined;
    Testing.synthScope((scope) => {
      network = new Network(scope, "net", {
        namePrefix: "t", region: "eu-west-1", accountId: "123456789012", vpcCidr: "10.0.0.0/20", availabilityZoneIds: ["euw1-az1", "euw1-az2", "euw1-az3"],
        natGateways: "single", interfaceEndpoints: false, logRetentionDays: 7, logsKmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/x",
      });
    });
    expect(network!.publicSubnets).toHaveLength(3);
    expect(network!.privateSubnets).toHaveLength(3);
    expect(network!.isolatedSubnets).toHaveLength(3);
    expect(network!.natGateways).toHaveLength(1);
  });

  it("fails when the zones or vpcCidr are out of range, naming the prop and value", () => {
    const make = (vpcCidr: string, azCount: number, availabilityZoneIds = ["euw1-az1", "euw1-az2", "euw1-az3", "euw1-az4", "euw1-az5"].slice(0, azCount)) => () =>
      new Network(new TerraformStack(testApp(), "s"), "net", {
        namePrefix: "t", region: "eu-west-1", accountId: "1", vpcCidr, availabilityZoneIds, natGateways: "single",
        interfaceEndpoints: false, logRetentionDays: 7, logsKmsKeyArn: "k",
      });
    expect(make("10.0.0.0/28", 2)).toThrow('vpcCidr must be an IPv4 CIDR from /16 to /24, got "10.0.0.0/28"');
    expect(make("10.0.0.0/16", 1)).toThrow("availabilityZoneIds must list 2 to 4 zones, got 1");
    expect(make("10.0.0.0/16", 5)).toThrow("availabilityZoneIds must list 2 to 4 zones, got 5");
    expect(make("10.0.0.0/16", 2, ["euw1-az1", "euw1-az1"])).toThrow('availabilityZoneIds lists "euw1-az1" twice');
  });
});
