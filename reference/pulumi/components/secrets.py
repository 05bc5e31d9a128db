"""Secrets Manager secrets encrypted with a customer-managed KMS key, generated values,
rotation, and a resource policy that blocks public access (the counterpart of the
Terraform module modules/secrets).
"""

import json
from dataclasses import dataclass
from typing import Any

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
        # Every secret of the spec. Values are never here: generated ones are made when
        # the secret is created, the others are set by hand after the first deployment.
        secrets: dict[str, Any] = {
            "db_password": {"description": "Primary database password"},
            "stripe_api_key": {"description": "Stripe API key, set out of band"},
        }
        # Secrets whose value is generated, and the password rules.
        generated: dict[str, Any] = {"db_password": {"length": 32, "special": True}}
        # Secrets a Lambda function rotates, and how often (days); the function of each
        # environment is the input rotation_lambda_arns.
        rotated = {"db_password": 30}
        self.secrets_key = aws.kms.Key(
            f"{name}-secrets",
            description=f"Secrets Manager secrets of {name}",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "AccountAdministers",
                            "Effect": "Allow",
                            "Action": "kms:*",
                            "Resource": "*",
                            "Principal": {
                                "AWS": f"arn:{partition}:iam::{account_id}:root"
                            },
                        }
                    ],
                }
            ),
            tags={**tags, "Name": f"{name}-secrets"},
            opts=pulumi.ResourceOptions.merge(
                child, pulumi.ResourceOptions(protect=args.protect)
            ),
        )
        aws.kms.Alias(
            f"{name}-secrets",
            name=f"alias/{name}-secrets",
            target_key_id=self.secrets_key.key_id,
            opts=child,
        )
        self.secrets = {
            secret: aws.secretsmanager.Secret(
                f"{name}/{secret}",
                name=f"{name}/{secret}",
                description=value["description"],
                kms_key_id=self.secrets_key.arn,
                recovery_window_in_days=args.recovery_window_days[secret],
                tags={**tags, "Name": f"{name}/{secret}"},
                opts=pulumi.ResourceOptions.merge(
                    child, pulumi.ResourceOptions(protect=args.protect)
                ),
            )
            for secret, value in secrets.items()
        }
        for secret, value in secrets.items():
            aws.secretsmanager.SecretPolicy(
                f"{name}/{secret}",
                secret_arn=self.secrets[secret].arn,
                policy=json.dumps(
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
                                    "StringNotEquals": {
                                        "aws:PrincipalAccount": account_id
                                    },
                                    "Bool": {"aws:PrincipalIsAWSService": "false"},
                                },
                            }
                        ],
                    }
                ),
                block_public_policy=True,
                opts=child,
            )
        generated_passwords = {
            secret: random.RandomPassword(
                f"{name}/{secret}",
                length=rules["length"],
                special=rules["special"],
                opts=child,
            )
            for secret, rules in generated.items()
        }
        generated_secret_versions = {
            secret: aws.secretsmanager.SecretVersion(
                f"{name}/{secret}",
                secret_id=self.secrets[secret].id,
                secret_string=generated_passwords[secret].result,
                opts=pulumi.ResourceOptions(
                    parent=self, ignore_changes=["secret_string"]
                ),
            )
            for secret, rules in generated.items()
        }
        rotation_permissions = {
            secret: aws.lambda_.Permission(
                f"{name}/{secret}",
                statement_id_prefix="SecretsManagerRotation-",
                action="lambda:InvokeFunction",
                function=args.rotation_lambda_arns[secret],
                principal="secretsmanager.amazonaws.com",
                source_arn=self.secrets[secret].arn,
                opts=child,
            )
            for secret, days in rotated.items()
        }
        for secret, days in rotated.items():
            aws.secretsmanager.SecretRotation(
                f"{name}/{secret}",
                secret_id=self.secrets[secret].id,
                rotation_lambda_arn=args.rotation_lambda_arns[secret],
                rotate_immediately=False,
                rotation_rules={"automatically_after_days": days},
                opts=pulumi.ResourceOptions(
                    parent=self,
                    depends_on=[
                        *rotation_permissions.values(),
                        *generated_secret_versions.values(),
                    ],
                ),
            )
        self.secret_arns = {name: secret.arn for name, secret in self.secrets.items()}
        self.secret_names = {name: secret.name for name, secret in self.secrets.items()}
        self.register_outputs(
            {
                "secret_arns": self.secret_arns,
                "secret_names": self.secret_names,
                "kms_key_arn": self.secrets_key.arn,
            }
        )
