variable "name" {
  description = "Prefix of every resource name: `<project>-<environment>`."
  type        = string
}

variable "tags" {
  description = "Tags for every taggable resource; `Name` is added per resource."
  type        = map(string)
}

variable "log_retention_days" {
  description = "Days to keep ECS logs (services and ECS Exec sessions) (a CloudWatch Logs retention value)."
  type        = number

  validation {
    condition = contains(
      [
        1,
        3,
        5,
        7,
        14,
        30,
        60,
        90,
        120,
        150,
        180,
        365,
        400,
        545,
        731,
        1096,
        1827,
        2192,
        2557,
        2922,
        3288,
        3653,
      ],
      var.log_retention_days,
    )
    error_message = "log_retention_days must be one of: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}
