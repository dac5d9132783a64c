/**
 * The Linux capabilities every container of the platform runs with: none.
 *
 * @example
 * const container = { name: "web", image, user: "1000:1000", linuxParameters: { capabilities: DROP_ALL_CAPABILITIES } };
 *
 * None of the processes needs one: Gunicorn, nginx (port 8080), collectstatic, the
 * migration, Qdrant and the snapshot trigger run as non-root users on unprivileged
 * ports and write only to volumes their user owns. The policy pack (DFP-ECS-8) refuses
 * a container without this; one that needs a capability back (Fargate accepts only
 * SYS_PTRACE in `add`) carries a suppression whose reason says why.
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_KernelCapabilities.html
 */
export const DROP_ALL_CAPABILITIES: { readonly drop: readonly string[] } = { drop: ["ALL"] };
