"""KMS keys shared by the components."""

import json

import pulumi
import pulumi_aws as aws


def logs_key(
    alias: str,
    description: str,
    region: str,
    tags: dict[str, str],
    opts: pulumi.ResourceOptions,
) -> aws.kms.Key:
    """A rotated KMS key and its alias, usable by CloudWatch Logs in this account and
    region for log groups; the account administers it through IAM policies.
    """
    account_id = aws.get_caller_identity().account_id
    partition = aws.get_partition().partition
    key = aws.kms.Key(
        alias,
        description=description,
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
                        "Principal": {"AWS": f"arn:{partition}:iam::{account_id}:root"},
                    },
                    {
                        "Sid": "CloudWatchLogsUse",
                        "Effect": "Allow",
                        "Action": [
                            "kms:Decrypt*",
                            "kms:Describe*",
                            "kms:Encrypt*",
                            "kms:GenerateDataKey*",
                            "kms:ReEncrypt*",
                        ],
                        "Resource": "*",
                        "Principal": {"Service": f"logs.{region}.amazonaws.com"},
                        "Condition": {
                            "ArnLike": {
                                "kms:EncryptionContext:aws:logs:arn": f"arn:{partition}:logs:{region}:{account_id}:log-group:*"
                            }
                        },
                    },
                ],
            }
        ),
        tags={**tags, "Name": alias},
        opts=opts,
    )
    aws.kms.Alias(alias, name=f"alias/{alias}", target_key_id=key.key_id, opts=opts)
    return key
