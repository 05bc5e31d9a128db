"""Secrets Manager secrets encrypted with a customer-managed KMS key, generated values,
rotation, and a resource policy that blocks public access (the counterpart of the
Terraform module modules/secrets).
"""

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_random as random


@dataclass
class SecretsArgs:
    """Inputs of Secrets."""

    name: str
    tags: dict[str, str]
    region: str
    recovery_window_days: dict[str, int]
    rotation_lambda_arns: dict[str, str]
    protect: bool


@dataclass(frozen=True)
class Password:
    """How a generated value is made."""

    length: int
    special: bool


# Every secret of the spec and its description. Values are never here: generated
# ones are made at deployment, the others are set by hand after the first update.
SECRETS: dict[str, str] = {
    "db_password": "Primary database password",
    "stripe_api_key": "Stripe API key, set out of band",
}

# Secrets whose value is generated, and the password rules.
GENERATED: dict[str, Password] = {"db_password": Password(length=32, special=True)}

# Secrets a Lambda function rotates, and how often (days); the function of each
# stack is in args.rotation_lambda_arns.
ROTATED: dict[str, int] = {"db_password": 30}


class Secrets(pulumi.ComponentResource):
    """The secrets of one environment in Secrets Manager, encrypted with the
    component's KMS key and closed to other accounts.

    Generated values come from pulumi_random.RandomPassword: its result is a secret
    output, which the stack's secrets provider encrypts in the state. Terraform keeps
    them out of its state altogether (an ephemeral password written through the
    write-only secret_string_wo); Pulumi has no ephemeral resources and records every
    input in the state, write-only ones included, so secret_string_wo would not keep the
    value out and would hide later changes to it.
    """

    def __init__(
        self,
        resource_name: str,
        args: SecretsArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("iacgen:secrets:Secrets", resource_name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        name = args.name
        tags = args.tags
        account_id = aws.get_caller_identity().account_id
        partition = aws.get_partition().partition
        # Only the account's IAM policies open the key (no wildcard grant): the readers
        # are the principals given kms:Decrypt on it, such as the ECS task execution roles.
        key_policy = json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "AccountAdministers",
                        "Effect": "Allow",
                        "Action": "kms:*",
                        "Resource": "*",
                        "Principal": {"AWS": f"arn:{partition}:iam::{account_id}:root"},
                    }
                ],
            }
        )
        self.key = aws.kms.Key(
            f"{name}-secrets",
            description=f"Secrets Manager secrets of {name}",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=key_policy,
            tags={**tags, "Name": f"{name}-secrets"},
            opts=pulumi.ResourceOptions.merge(
                child, pulumi.ResourceOptions(protect=args.protect)
            ),
        )
        aws.kms.Alias(
            f"{name}-secrets",
            name=f"alias/{name}-secrets",
            target_key_id=self.key.key_id,
            opts=child,
        )
        self.secrets = {
            secret: aws.secretsmanager.Secret(
                f"{name}/{secret}",
                name=f"{name}/{secret}",
                description=description,
                kms_key_id=self.key.arn,
                recovery_window_in_days=args.recovery_window_days[secret],
                tags={**tags, "Name": f"{name}/{secret}"},
                opts=pulumi.ResourceOptions.merge(
                    child, pulumi.ResourceOptions(protect=args.protect)
                ),
            )
            for secret, description in SECRETS.items()
        }
        self.secret_arns = {secret: value.arn for secret, value in self.secrets.items()}
        # Nobody outside this account may use a secret (AWS services acting for it still
        # can), and Secrets Manager refuses any later public policy.
        secret_policy = json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "DenyOtherAccounts",
                        "Effect": "Deny",
                        "Action": "secretsmanager:*",
                        "Resource": "*",
                        "Principal": {"AWS": "*"},
                        "Condition": {
                            "StringNotEquals": {"aws:PrincipalAccount": [account_id]},
                            "Bool": {"aws:PrincipalIsAWSService": ["false"]},
                        },
                    }
                ],
            }
        )
        for secret, value in self.secrets.items():
            aws.secretsmanager.SecretPolicy(
                f"{name}/{secret}",
                secret_arn=value.arn,
                policy=secret_policy,
                block_public_policy=True,
                opts=child,
            )
        # Written once, when the secret is created; later values come from rotation (as
        # Terraform's secret_string_wo_version = 1).
        written_once = pulumi.ResourceOptions(
            parent=self, ignore_changes=["secret_string"]
        )
        versions: list[aws.secretsmanager.SecretVersion] = []
        for secret, rules in GENERATED.items():
            # A secret output: the stack's secrets provider encrypts it in the state.
            password = random.RandomPassword(
                f"{name}/{secret}",
                length=rules.length,
                special=rules.special,
                opts=child,
            )
            versions.append(
                aws.secretsmanager.SecretVersion(
                    f"{name}/{secret}",
                    secret_id=self.secrets[secret].id,
                    secret_string=password.result,
                    opts=written_once,
                )
            )
        for secret, days in ROTATED.items():
            # A statement ID prefix, not a name: several secrets and environments may
            # share one function.
            permission = aws.lambda_.Permission(
                f"{name}/{secret}",
                statement_id_prefix="SecretsManagerRotation-",
                action="lambda:InvokeFunction",
                function=args.rotation_lambda_arns[secret],
                principal="secretsmanager.amazonaws.com",
                source_arn=self.secrets[secret].arn,
                opts=child,
            )
            # The first rotation waits for the schedule: a secret set by hand may have
            # no value yet.
            aws.secretsmanager.SecretRotation(
                f"{name}/{secret}",
                secret_id=self.secrets[secret].id,
                rotation_lambda_arn=args.rotation_lambda_arns[secret],
                rotate_immediately=False,
                rotation_rules=aws.secretsmanager.SecretRotationRotationRulesArgs(
                    automatically_after_days=days
                ),
                opts=pulumi.ResourceOptions(
                    parent=self, depends_on=[permission, *versions]
                ),
            )
        self.register_outputs(
            {
                "secret_arns": self.secret_arns,
                "secret_names": {
                    secret: value.name for secret, value in self.secrets.items()
                },
                "kms_key_arn": self.key.arn,
            }
        )
