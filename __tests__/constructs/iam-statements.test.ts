/** constructs/iam-statements: statements several roles share. */
import { assumedBy, ecrPullStatements } from "../../constructs/iam-statements";

const ECR = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/qdrant/qdrant:v1.16.3";
const ECR_PYTHON = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/library/python:3.12.8-slim-bookworm";

describe("ecrPullStatements", () => {
  it("grants nothing for images outside ECR", () => {
    expect(ecrPullStatements("qdrant/qdrant:v1.16.3", "python:3.12.8-slim-bookworm")).toEqual([]);
  });

  it("gives one pair of statements however many of the images are in ECR, so statement ids stay unique in a policy", () => {
    const statements = ecrPullStatements(ECR, ECR_PYTHON) as { Sid: string }[];
    expect(statements.map((s) => s.Sid)).toEqual(["EcrToken", "EcrPull"]);
    expect(ecrPullStatements("qdrant/qdrant:v1.16.3", ECR_PYTHON)).toEqual(statements);
  });
});

it("assumedBy trusts the service only on behalf of the account", () => {
  expect(JSON.parse(assumedBy("scheduler.amazonaws.com", "123456789012"))).toEqual({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "scheduler.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
      },
    ],
  });
});
