variable "name" {
  description = "Prefix of every resource name: `<project>-<environment>`."
  type        = string
}

variable "tags" {
  description = "Tags for every taggable resource; `Name` is added per resource."
  type        = map(string)
}

variable "vpc_cidr" {
  description = "IPv4 CIDR block of the VPC (/16 to /24)."
  type        = string

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && tonumber(split("/", var.vpc_cidr)[1]) >= 16 && tonumber(split("/", var.vpc_cidr)[1]) <= 24
    error_message = "vpc_cidr must be an IPv4 CIDR block with a prefix from /16 to /24."
  }
}

variable "azs" {
  description = "Availability zones, in order; subnets are keyed by AZ name."
  type        = list(string)

  validation {
    condition     = length(var.azs) >= 1 && length(var.azs) <= 6
    error_message = "Give from 1 to 6 availability zones."
  }
}

variable "public_subnet_cidrs" {
  description = "CIDR block of the public subnet in each AZ (AZ name => CIDR)."
  type        = map(string)

  validation {
    condition     = alltrue([for cidr in values(var.public_subnet_cidrs) : can(cidrhost(cidr, 0))])
    error_message = "Every public subnet CIDR must be a valid IPv4 CIDR block."
  }
}

variable "private_subnet_cidrs" {
  description = "CIDR block of the private subnet in each AZ (AZ name => CIDR)."
  type        = map(string)

  validation {
    condition     = alltrue([for cidr in values(var.private_subnet_cidrs) : can(cidrhost(cidr, 0))])
    error_message = "Every private subnet CIDR must be a valid IPv4 CIDR block."
  }
}

variable "database_subnet_cidrs" {
  description = "CIDR block of the database subnet in each AZ (AZ name => CIDR)."
  type        = map(string)

  validation {
    condition     = alltrue([for cidr in values(var.database_subnet_cidrs) : can(cidrhost(cidr, 0))])
    error_message = "Every database subnet CIDR must be a valid IPv4 CIDR block."
  }
}

variable "nat_mode" {
  description = "NAT gateways for private subnets: `none`, `single` (one, in the first AZ) or `per_az` (one per AZ, no cross-AZ dependency)."
  type        = string

  validation {
    condition     = contains(["none", "single", "per_az"], var.nat_mode)
    error_message = "nat_mode must be one of: none, single, per_az."
  }
}

variable "flow_log_retention_days" {
  description = "Days to keep VPC flow logs (a CloudWatch Logs retention value)."
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
      var.flow_log_retention_days,
    )
    error_message = "flow_log_retention_days must be one of: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}
