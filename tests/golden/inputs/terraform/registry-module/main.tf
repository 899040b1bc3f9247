# A registry module cannot be fetched offline: its outputs are unknown, and a note names it.
module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.1.0"
  cidr    = "10.0.0.0/16"
}

module "shared_sg" {
  source = "git::https://example.com/security-groups.git"
}

resource "aws_security_group" "app" {
  name        = "app"
  description = "application"
  vpc_id      = module.vpc.vpc_id

  ingress {
    description     = "from the shared group"
    from_port       = 8080
    to_port         = 8080
    protocol        = "tcp"
    security_groups = [module.shared_sg.security_group_id]
  }

  ingress {
    description = "from the VPC"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = [module.vpc.vpc_cidr_block]
  }

  egress {
    description = "none"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["127.0.0.1/32"]
  }
}
