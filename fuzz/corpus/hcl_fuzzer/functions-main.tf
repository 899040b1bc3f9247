# The functions and expressions security-group code uses.
variable "teams" {
  default = {
    red  = { cidrs = ["10.1.0.0/16", "10.2.0.0/16"], port = 8443 }
    blue = { cidrs = ["10.2.0.0/16"], port = 9443 }
  }
}

variable "extra" {
  default = "10.9.0.0/16,10.8.0.0/16"
}

locals {
  all_cidrs  = distinct(flatten([for t in values(var.teams) : t.cidrs]))
  extra      = split(",", var.extra)
  merged     = merge({ a = 1 }, { b = 2 })
  port       = lookup(var.teams["red"], "port", 443)
  missing    = lookup(var.teams["red"], "nope", 9000)
  sources    = tolist(toset(concat(local.all_cidrs, local.extra)))
  enabled    = length(local.sources) > 3 ? true : false
  name       = format("%s-%02d", "app", 7)
  joined     = join("-", ["a", "b", "c"])
  fallback   = coalesce("", null, "10.7.0.0/16")
  team_ports = { for name, t in var.teams : name => t.port if t.port > 9000 }
}

resource "aws_security_group" "app" {
  name        = "${local.name}-${local.joined}"
  description = "merged ${length(local.merged)} ${jsonencode(local.merged)}"
  vpc_id      = "vpc-0123456789abcdef0"

  ingress {
    description = "teams"
    from_port   = local.port
    to_port     = local.port
    protocol    = "tcp"
    cidr_blocks = local.enabled ? local.sources : []
  }

  ingress {
    description = "fallback"
    from_port   = local.missing
    to_port     = local.team_ports["blue"]
    protocol    = "tcp"
    cidr_blocks = [local.fallback]
  }
  egress = []
}
