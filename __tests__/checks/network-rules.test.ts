/** DFP-ECS-7 (no public IPs on tasks) and DFP-SG-1 (no world ingress but the load balancer's 80/443). */
import { securityGroupNoWorldIngress } from "../../checks/rules/security-group-no-world-ingress";
import { taskNoPublicIp } from "../../checks/rules/task-no-public-ip";
import { details, outcome, res } from "./fixtures";

describe("DFP-ECS-7 task-no-public-ip", () => {
  it.each([
    ["aws_ecs_service", { network_configuration: { subnets: ["${aws_subnet.private_0.id}"], assign_public_ip: false } }],
    ["aws_ecs_service", { network_configuration: [{ subnets: ["${aws_subnet.private_0.id}"] }] }],
    ["aws_scheduler_schedule", { target: { ecs_parameters: { network_configuration: { assign_public_ip: false } } } }],
    ["aws_cloudwatch_event_target", { ecs_target: { network_configuration: { assign_public_ip: false } } }],
  ])("passes a %s without a public IP", (type, attributes) => {
    expect(outcome(taskNoPublicIp, res(type, attributes))).toBe("compliant");
  });

  it.each([
    ["aws_ecs_service", { network_configuration: { assign_public_ip: true } }],
    ["aws_ecs_task_set", { network_configuration: [{ assign_public_ip: "true" }] }],
    ["aws_scheduler_schedule", { target: { ecs_parameters: { network_configuration: { assign_public_ip: true } } } }],
    ["aws_cloudwatch_event_target", { ecs_target: { network_configuration: { assign_public_ip: true } } }],
  ])("fails when a %s assigns a public IP", (type, attributes) => {
    expect(details(outcome(taskNoPublicIp, res(type, attributes)))).toEqual(["network_configuration sets assign_public_ip = true"]);
  });

  it("does not apply to a service without awsvpc networking, or to other types", () => {
    expect(outcome(taskNoPublicIp, res("aws_ecs_service", { name: "x" }))).toBe("not-applicable");
    expect(outcome(taskNoPublicIp, res("aws_instance", { associate_public_ip_address: true }))).toBe("not-applicable");
  });
});

describe("DFP-SG-1 security-group-no-world-ingress", () => {
  const albSg = res("aws_security_group", { name: "alb" }, { name: "edge_alb-sg_1" });
  const alb = res("aws_lb", { security_groups: ["${aws_security_group.edge_alb-sg_1.id}"] }, { name: "edge_alb_1" });
  const worldRule = (port: number, extra: Record<string, unknown> = {}, sg = "edge_alb-sg_1") =>
    res("aws_vpc_security_group_ingress_rule", {
      security_group_id: "${aws_security_group." + sg + ".id}",
      ip_protocol: "tcp",
      from_port: port,
      to_port: port,
      cidr_ipv4: "0.0.0.0/0",
      ...extra,
    });

  it("passes 443 and 80 from the world on the load balancer's security group (IPv4 and IPv6)", () => {
    expect(outcome(securityGroupNoWorldIngress, worldRule(443), albSg, alb)).toBe("compliant");
    expect(outcome(securityGroupNoWorldIngress, worldRule(80, { cidr_ipv4: undefined, cidr_ipv6: "::/0" }), albSg, alb)).toBe("compliant");
  });

  it("passes ingress from another security group or from the VPC range on any port", () => {
    const fromSg = res("aws_vpc_security_group_ingress_rule", {
      security_group_id: "${aws_security_group.db_sg_1.id}",
      ip_protocol: "tcp",
      from_port: 5432,
      to_port: 5432,
      referenced_security_group_id: "${aws_security_group.web_sg_1.id}",
    });
    const fromVpc = worldRule(443, { cidr_ipv4: "10.30.0.0/16" }, "network_endpoint-sg_1");
    expect(outcome(securityGroupNoWorldIngress, fromSg)).toBe("compliant");
    expect(outcome(securityGroupNoWorldIngress, fromVpc)).toBe("compliant");
  });

  it("fails when a security group rule opens 22 to the world", () => {
    expect(details(outcome(securityGroupNoWorldIngress, worldRule(22), albSg, alb))).toEqual(["rule admits port 22 from 0.0.0.0/0"]);
  });

  it("fails when 443 is open to the world on a security group no load balancer uses", () => {
    expect(details(outcome(securityGroupNoWorldIngress, worldRule(443, {}, "web_sg_1"), albSg, alb))).toEqual([
      "rule admits port 443 from 0.0.0.0/0, but its security group is not attached to a load balancer",
    ]);
  });

  it("fails when a port range including 443 or all traffic is open to the world", () => {
    expect(details(outcome(securityGroupNoWorldIngress, worldRule(0, { to_port: 65535 }), albSg, alb))).toEqual([
      "rule admits ports 0-65535 from 0.0.0.0/0",
    ]);
    expect(details(outcome(securityGroupNoWorldIngress, worldRule(443, { ip_protocol: "-1" }), albSg, alb))).toEqual([
      "rule admits all traffic from 0.0.0.0/0",
    ]);
  });

  it("fails on inline ingress blocks of aws_security_group and aws_default_security_group", () => {
    const inline = res(
      "aws_security_group",
      { ingress: [{ from_port: 3389, to_port: 3389, protocol: "tcp", cidr_blocks: ["10.0.0.0/8"], ipv6_cidr_blocks: ["::/0"] }] },
      { name: "bastion_sg_1" },
    );
    expect(details(outcome(securityGroupNoWorldIngress, inline))).toEqual(["inline ingress #1 admits port 3389 from ::/0"]);
    const defaultSg = res("aws_default_security_group", { ingress: { from_port: 0, to_port: 0, protocol: "-1", cidr_blocks: ["0.0.0.0/0"] } });
    expect(details(outcome(securityGroupNoWorldIngress, defaultSg))).toEqual(["inline ingress #1 admits all traffic from 0.0.0.0/0"]);
  });

  it("passes an inline 443 from the world on a security group attached to a load balancer", () => {
    const inline = res(
      "aws_security_group",
      { ingress: [{ from_port: 443, to_port: 443, protocol: "tcp", cidr_blocks: ["0.0.0.0/0"] }] },
      { name: "edge_alb-sg_1" },
    );
    expect(outcome(securityGroupNoWorldIngress, inline, alb)).toBe("compliant");
  });

  it("fails on aws_security_group_rule of type ingress, and ignores egress", () => {
    const rule = (type: string) =>
      res("aws_security_group_rule", {
        type,
        security_group_id: "${aws_security_group.web_sg_1.id}",
        protocol: "tcp",
        from_port: 8000,
        to_port: 8000,
        cidr_blocks: ["0.0.0.0/0"],
      });
    expect(details(outcome(securityGroupNoWorldIngress, rule("ingress")))).toEqual(["rule admits port 8000 from 0.0.0.0/0"]);
    expect(outcome(securityGroupNoWorldIngress, rule("egress"))).toBe("compliant");
  });

  it("passes a security group without rules (the adopted default group) and skips other types", () => {
    expect(outcome(securityGroupNoWorldIngress, res("aws_default_security_group", { ingress: [], egress: [] }))).toBe("compliant");
    expect(outcome(securityGroupNoWorldIngress, res("aws_route", { destination_cidr_block: "0.0.0.0/0" }))).toBe("not-applicable");
  });
});
