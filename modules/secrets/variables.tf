variable "name" {
  description = "Prefix of every resource name: `<project>-<environment>`."
  type        = string
}

variable "tags" {
  description = "Tags for every taggable resource; `Name` is added per resource."
  type        = map(string)
}

variable "recovery_window_days" {
  description = "Days a deleted secret can still be restored, by secret (0 deletes at once)."
  type        = map(number)

  validation {
    condition     = alltrue([for days in values(var.recovery_window_days) : days == 0 || (days >= 7 && days <= 30)])
    error_message = "Every recovery window must be 0 or from 7 to 30 days."
  }
}

variable "rotation_lambda_arns" {
  description = "ARN of the Lambda function that rotates each rotated secret (in this environment's account and region), by secret."
  type        = map(string)

  validation {
    condition = alltrue([
      for arn in values(var.rotation_lambda_arns) : can(regex(
        "^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9$_-]+)?$",
        arn,
      ))
    ])
    error_message = "Every rotation Lambda must be a Lambda function ARN."
  }
}
