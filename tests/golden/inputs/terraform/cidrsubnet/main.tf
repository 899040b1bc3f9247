# cidrsubnet, cidrsubnets and cidrhost computed on the atoms' address values.
locals {
  vpc_cidr = "10.20.0.0/16"
  subnets  = cidrsubnets(local.vpc_cidr, 8, 8, 4)
  v6       = "2001:db8:1200::/56"
}

resource "aws_security_group" "db" {
  name        = "db"
  description = "databases"
  vpc_id      = "vpc-0123456789abcdef0"

  ingress {
    description      = "Postgres from the app subnets"
    from_port        = 5432
    to_port          = 5432
    protocol         = "tcp"
    cidr_blocks      = [cidrsubnet(local.vpc_cidr, 8, 1), local.subnets[2]]
    ipv6_cidr_blocks = [cidrsubnet(local.v6, 8, 255)]
  }

  ingress {
    description = "the monitoring host"
    from_port   = 9100
    to_port     = 9100
    protocol    = "tcp"
    cidr_blocks = ["${cidrhost(local.vpc_cidr, 10)}/32", "${cidrhost("192.168.1.0/24", -2)}/32"]
  }

  egress = []
}
