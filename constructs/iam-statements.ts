/**
 * IAM policy statements that several constructs' roles need in the same form.
 * Plain functions (not constructs): each returns statements to spread into a
 * policy document's `Statement` list.
 *
 * @example
 * policy: JSON.stringify({ Version: "2012-10-17", Statement: [
 *   ...secretReadStatements([apiKeySecretArn], [secretsKeyArn], "eu-west-1"),
 *   ...ecrPullStatements(image),
 * ] })
 */

/**
 * Read exactly these secrets, and decrypt their KMS keys only through Secrets Manager
 * (`kms:ViaService`), so the role cannot use the keys for anything else.
 */
export function secretReadStatements(secretArns: readonly string[], kmsKeyArns: readonly string[], region: string): object[] {
  if (secretArns.length === 0) return [];
  return [
    { Sid: "ReadSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: [...secretArns] },
    {
      Sid: "DecryptSecrets",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: [...kmsKeyArns],
      Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` } },
    },
  ];
}

/**
 * Execution-role statements pulling the images that live in ECR (e.g. a pull-through cache);
 * none when no image does. One pair for all the images: statement ids must be unique within
 * a policy, so spreading this twice into one policy would be refused.
 */
export function ecrPullStatements(...images: readonly string[]): object[] {
  if (!images.some((image) => /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\//.test(image))) return [];
  return [
    { Sid: "EcrToken", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
    { Sid: "EcrPull", Effect: "Allow", Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], Resource: "*" },
  ];
}

/** Trust policy letting an AWS service assume a role, only on behalf of this account (`aws:SourceAccount`). */
export function assumedBy(service: string, accountId: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": accountId } } },
    ],
  });
}
