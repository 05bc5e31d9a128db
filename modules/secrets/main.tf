data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  # Every secret of the spec. Values are never here: generated ones are made when
  # the secret is created, the others are set by hand after the first deployment.
  secrets = {
    db_password = {
      description = "Primary database password"
    }
    stripe_api_key = {
      description = "Stripe API key, set out of band"
    }
  }

  # Secrets whose value is generated, and the password rules.
  generated = {
    db_password = {
      length  = 32
      special = true
    }
  }

  # Secrets a Lambda function rotates, and how often (days); the function of each
  # environment is the input rotation_lambda_arns.
  rotated = {
    db_password = 30
  }
}

data "aws_iam_policy_document" "secrets_key" {
  # checkov:skip=CKV_AWS_109:A key policy applies to its own key only; "*" is that key.
  # checkov:skip=CKV_AWS_111:A key policy applies to its own key only; "*" is that key.
  # checkov:skip=CKV_AWS_356:A key policy applies to its own key only; "*" is that key.
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type = "AWS"
      identifiers = [
        "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root",
      ]
    }
  }
}

resource "aws_kms_key" "secrets" {
  description             = "Secrets Manager secrets of ${var.name}"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.secrets_key.json

  tags = merge(var.tags, {
    Name = "${var.name}-secrets"
  })

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_kms_alias" "secrets" {
  name          = "alias/${var.name}-secrets"
  target_key_id = aws_kms_key.secrets.key_id
}

resource "aws_secretsmanager_secret" "this" {
  # checkov:skip=CKV2_AWS_57:Rotation is set per secret in the spec (secrets.<name>.rotation); a secret without it is rotated by its owner.
  for_each = local.secrets

  name                    = "${var.name}/${each.key}"
  description             = each.value.description
  kms_key_id              = aws_kms_key.secrets.arn
  recovery_window_in_days = var.recovery_window_days[each.key]

  tags = merge(var.tags, {
    Name = "${var.name}/${each.key}"
  })

  lifecycle {
    prevent_destroy = true
  }
}

data "aws_iam_policy_document" "secret" {
  statement {
    sid       = "DenyOtherAccounts"
    effect    = "Deny"
    actions   = ["secretsmanager:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "StringNotEquals"
      variable = "aws:PrincipalAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }

    condition {
      test     = "Bool"
      variable = "aws:PrincipalIsAWSService"
      values   = ["false"]
    }
  }
}

resource "aws_secretsmanager_secret_policy" "this" {
  for_each = local.secrets

  secret_arn          = aws_secretsmanager_secret.this[each.key].arn
  policy              = data.aws_iam_policy_document.secret.json
  block_public_policy = true
}

ephemeral "random_password" "generated" {
  for_each = local.generated

  length  = each.value.length
  special = each.value.special
}

resource "aws_secretsmanager_secret_version" "generated" {
  for_each = local.generated

  secret_id = aws_secretsmanager_secret.this[each.key].id
  # Write-only: the password goes to AWS and never into the plan or the state.
  secret_string_wo = ephemeral.random_password.generated[each.key].result
  # Written once, when the secret is created; later values come from rotation.
  secret_string_wo_version = 1
}

resource "aws_lambda_permission" "rotation" {
  for_each = local.rotated

  # A prefix, not a name: several secrets and environments may share one function.
  statement_id_prefix = "SecretsManagerRotation-"
  action              = "lambda:InvokeFunction"
  function_name       = var.rotation_lambda_arns[each.key]
  principal           = "secretsmanager.amazonaws.com"
  source_arn          = aws_secretsmanager_secret.this[each.key].arn
}

resource "aws_secretsmanager_secret_rotation" "this" {
  for_each = local.rotated

  secret_id           = aws_secretsmanager_secret.this[each.key].id
  rotation_lambda_arn = var.rotation_lambda_arns[each.key]
  # The first rotation waits for the schedule: a secret set by hand may have no value yet.
  rotate_immediately = false

  rotation_rules {
    automatically_after_days = each.value
  }

  depends_on = [aws_lambda_permission.rotation, aws_secretsmanager_secret_version.generated]
}
