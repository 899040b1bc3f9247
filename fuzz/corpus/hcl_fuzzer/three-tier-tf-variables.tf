# The three-tier network of examples/three-tier as Terraform source: the same groups and rules as
# ../three-tier.tfplan.json, which `terraform show -json` gave for this configuration.
variable "vpc_id" {
  description = "The VPC of every tier"
  type        = string
  default     = "vpc-0a1b2c3d4e5f60718"
}

variable "office_cidr" {
  description = "Where administrators connect from"
  type        = string
  default     = "198.51.100.0/24"
}

variable "s3_prefix_list" {
  type    = string
  default = "pl-0a1b2c3d4e5f60001"
}

locals {
  public_ports = [
    { port = 443, cidrs = ["0.0.0.0/0"], ipv6 = [], description = "HTTPS from anywhere" },
    { port = 443, cidrs = [], ipv6 = ["::/0"], description = "HTTPS from anywhere (IPv6)" },
    { port = 80, cidrs = ["0.0.0.0/0"], ipv6 = [], description = "HTTP redirect to HTTPS" },
  ]
  app_port = 8080
  tiers    = { web = "public load balancer tier", app = "application servers", db = "Postgres" }
}
