/**
 * Qdrant's storage: an EFS file system encrypted with its own KMS key, one mount
 * target per private subnet behind a security group that admits NFS only from the
 * Qdrant tasks, an access point rooted at a dedicated directory and owned by the
 * container's POSIX user, and a file-system policy that refuses non-TLS clients and
 * lets only the Qdrant task role mount, and only through that access point.
 *
 * Qdrant's documentation asks for block storage and warns against NFS (EFS is NFS
 * 4.1). The service around this construct keeps exactly one task writing to it;
 * see docs/qdrant.md.
 *
 * @example
 * const storage = new QdrantStorage(this, "storage", {
 *   namePrefix: "faq-prod", accountId, region: "eu-west-1", vpcId: network.vpc.id,
 *   subnetIds: network.privateSubnets.map((s) => s.id), throughputMode: "elastic",
 *   clientSecurityGroupId: qdrantSg.id, clientRoleArn: taskRole.arn, preventDestroy: true,
 * });
 * // storage.fileSystem.id, storage.accessPoint.id, storage.accessPoint.arn
 */
import { Construct } from "constructs";
import { EfsAccessPoint } from "@cdktf/provider-aws/lib/efs-access-point";
import { EfsBackupPolicy } from "@cdktf/provider-aws/lib/efs-backup-policy";
import { EfsFileSystem } from "@cdktf/provider-aws/lib/efs-file-system";
import { EfsFileSystemPolicy } from "@cdktf/provider-aws/lib/efs-file-system-policy";
import { EfsMountTarget } from "@cdktf/provider-aws/lib/efs-mount-target";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { EncryptionKey } from "./encryption-key";

/** NFS port of EFS mount targets. */
export const NFS_PORT = 2049;

export interface QdrantStorageProps {
  /** Prefix of resource names. */
  readonly namePrefix: string;
  /** Account that owns the KMS key. */
  readonly accountId: string;
  /** Region of the stage. */
  readonly region: string;
  /** VPC of the mount targets. */
  readonly vpcId: string;
  /** Subnets that get a mount target each (one per AZ: the private subnets). */
  readonly subnetIds: string[];
  /** EFS throughput mode. */
  readonly throughputMode: "elastic" | "bursting";
  /** Security group of the Qdrant tasks: the only one admitted on NFS. */
  readonly clientSecurityGroupId: string;
  /** Task role of Qdrant: the only principal the file-system policy lets mount and write. */
  readonly clientRoleArn: string;
  /**
   * POSIX user ID the access point imposes (the container's user).
   * @default 1000
   */
  readonly posixUid?: number;
  /**
   * POSIX group ID the access point imposes (the container's group).
   * @default 1000
   */
  readonly posixGid?: number;
  /**
   * Directory the access point exposes as the client's root; created with posixUid:posixGid and mode 0750.
   * @default "/qdrant"
   */
  readonly rootDirectory?: string;
  /**
   * Refuse `terraform destroy` of the key, file system and access point (lifecycle prevent_destroy).
   * @default false
   */
  readonly preventDestroy?: boolean;
}

export class QdrantStorage extends Construct {
  /** KMS key encrypting the file system at rest. */
  public readonly key: EncryptionKey;
  /** The EFS file system. */
  public readonly fileSystem: EfsFileSystem;
  /** One mount target per subnet. */
  public readonly mountTargets: EfsMountTarget[];
  /** Security group of the mount targets (NFS from the Qdrant tasks only). */
  public readonly securityGroup: SecurityGroup;
  /** Access point rooted at `rootDirectory`, imposing the container's POSIX user. */
  public readonly accessPoint: EfsAccessPoint;
  /** File-system policy: TLS only; mount and write only by the client role through the access point. */
  public readonly policy: EfsFileSystemPolicy;
  /** POSIX user ID of the access point. */
  public readonly posixUid: number;
  /** POSIX group ID of the access point. */
  public readonly posixGid: number;

  constructor(scope: Construct, id: string, props: QdrantStorageProps) {
    super(scope, id);
    const posixUid = props.posixUid ?? 1000;
    const posixGid = props.posixGid ?? 1000;
    const rootDirectory = props.rootDirectory ?? "/qdrant";
    const preventDestroy = props.preventDestroy ?? false;
    for (const [name, value] of [["posixUid", posixUid], ["posixGid", posixGid]] as const) {
      // Root on EFS would defeat the access point's user mapping.
      if (!Number.isInteger(value) || value < 1 || value > 4294967294) {
        throw new Error(`QdrantStorage ${id}: ${name} must be a non-root POSIX ID (1-4294967294), got ${value}`);
      }
    }
    if (!/^\/[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(rootDirectory)) {
      throw new Error(`QdrantStorage ${id}: rootDirectory must be an absolute path below "/" (not "/" itself), got "${rootDirectory}"`);
    }
    if (props.subnetIds.length === 0) {
      throw new Error(`QdrantStorage ${id}: subnetIds must list at least one subnet, got none`);
    }
    this.posixUid = posixUid;
    this.posixGid = posixGid;
    const lifecycle = preventDestroy ? { preventDestroy: true } : undefined;

    this.key = new EncryptionKey(this, "key", {
      alias: `${props.namePrefix}-qdrant-efs`,
      description: `Qdrant EFS storage of ${props.namePrefix}`,
      accountId: props.accountId,
      region: props.region,
      preventDestroy,
    });

    this.fileSystem = new EfsFileSystem(this, "file-system", {
      creationToken: `${props.namePrefix}-qdrant`,
      encrypted: true,
      kmsKeyId: this.key.key.arn,
      performanceMode: "generalPurpose",
      throughputMode: props.throughputMode,
      // No transition to Infrequent Access: Qdrant memory-maps its segments, and IA reads are slow and billed per GiB.
      tags: { Name: `${props.namePrefix}-qdrant` },
      lifecycle,
    });

    // EFS automatic backups would add a second, AWS-managed plan; QdrantBackup owns the plan (and its retention).
    new EfsBackupPolicy(this, "automatic-backups", {
      fileSystemId: this.fileSystem.id,
      backupPolicy: { status: "DISABLED" },
    });

    this.securityGroup = new SecurityGroup(this, "security-group", {
      name: `${props.namePrefix}-qdrant-efs`,
      description: "EFS mount targets of Qdrant: NFS from the Qdrant tasks only",
      vpcId: props.vpcId,
      tags: { Name: `${props.namePrefix}-qdrant-efs` },
    });
    new VpcSecurityGroupIngressRule(this, "nfs-from-qdrant", {
      securityGroupId: this.securityGroup.id,
      description: "NFS from the Qdrant tasks",
      ipProtocol: "tcp",
      fromPort: NFS_PORT,
      toPort: NFS_PORT,
      referencedSecurityGroupId: props.clientSecurityGroupId,
    });

    this.mountTargets = props.subnetIds.map(
      (subnetId, i) =>
        new EfsMountTarget(this, `mount-target-${i}`, {
          fileSystemId: this.fileSystem.id,
          subnetId,
          securityGroups: [this.securityGroup.id],
        }),
    );

    this.accessPoint = new EfsAccessPoint(this, "access-point", {
      fileSystemId: this.fileSystem.id,
      posixUser: { uid: posixUid, gid: posixGid },
      rootDirectory: {
        path: rootDirectory,
        creationInfo: { ownerUid: posixUid, ownerGid: posixGid, permissions: "0750" },
      },
      tags: { Name: `${props.namePrefix}-qdrant` },
      lifecycle,
    });

    const fsArn = this.fileSystem.arn;
    // https://docs.aws.amazon.com/efs/latest/ug/iam-access-control-nfs-efs.html
    this.policy = new EfsFileSystemPolicy(this, "policy", {
      fileSystemId: this.fileSystem.id,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: { AWS: "*" },
            Action: "*",
            Resource: fsArn,
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
          {
            Sid: "DenyMountOutsideTheAccessPoint",
            Effect: "Deny",
            Principal: { AWS: "*" },
            Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite", "elasticfilesystem:ClientRootAccess"],
            Resource: fsArn,
            Condition: { StringNotEquals: { "elasticfilesystem:AccessPointArn": this.accessPoint.arn } },
          },
          {
            Sid: "QdrantTaskMountsThroughTheAccessPoint",
            Effect: "Allow",
            Principal: { AWS: props.clientRoleArn },
            Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
            Resource: fsArn,
            Condition: { StringEquals: { "elasticfilesystem:AccessPointArn": this.accessPoint.arn } },
          },
        ],
      }),
    });
  }
}
