/**
 * DFP-ECS-7: no ECS service or scheduled task gets a public IP.
 */
import { outcomeOf, type Rule } from "../types";
import { blocks, isTrue } from "../util";

/** Where each type that starts ECS tasks keeps its awsvpc network configuration blocks. */
const NETWORK_CONFIGURATIONS: Record<string, (attributes: Record<string, any>) => Record<string, any>[]> = {
  aws_ecs_service: (a) => blocks(a.network_configuration),
  aws_ecs_task_set: (a) => blocks(a.network_configuration),
  aws_scheduler_schedule: (a) =>
    blocks(a.target).flatMap((t) => blocks(t.ecs_parameters)).flatMap((p) => blocks(p.network_configuration)),
  aws_cloudwatch_event_target: (a) => blocks(a.ecs_target).flatMap((t) => blocks(t.network_configuration)),
};

export const taskNoPublicIp: Rule = {
  id: "DFP-ECS-7",
  info: "No ECS service, task set or scheduled ECS task sets assign_public_ip = true.",
  explanation:
    "Tasks run in the private subnets and reach the internet through the NAT gateway; the load balancer is their " +
    "only way in. A public IP puts the task's ENI on the internet, where its security group is then the only " +
    "barrier, and it only works in public subnets, which tasks must not use. Fix: set assign_public_ip = false " +
    "(or leave it out) and place the tasks in network.privateSubnets.",
  fix: "set assign_public_ip = false (or omit it) and use the private subnets",
  check: (resource) => {
    const read = NETWORK_CONFIGURATIONS[resource.type];
    if (!read) return "not-applicable";
    const configs = read(resource.attributes as Record<string, any>);
    if (configs.length === 0) return "not-applicable";
    return outcomeOf(configs.filter((c) => isTrue(c.assign_public_ip)).map(() => "network_configuration sets assign_public_ip = true"));
  },
};
