resource "aws_security_group" "web" {
  name        = "web"
  description = local.tiers["web"]
  vpc_id      = var.vpc_id

  dynamic "ingress" {
    for_each = local.public_ports
    content {
      description      = ingress.value.description
      from_port        = ingress.value.port
      to_port          = ingress.value.port
      protocol         = "tcp"
      cidr_blocks      = ingress.value.cidrs
      ipv6_cidr_blocks = ingress.value.ipv6
    }
  }

  tags = { Name = "web", tier = "web" }
}

resource "aws_security_group" "app" {
  name        = "app"
  description = local.tiers.app
  vpc_id      = var.vpc_id

  egress {
    description     = "to S3"
    from_port       = 443
    to_port         = 443
    protocol        = "tcp"
    prefix_list_ids = [var.s3_prefix_list]
  }

  tags = { Name = "app", tier = "app" }
}

resource "aws_security_group" "db" {
  name        = "db"
  description = local.tiers.db
  vpc_id      = var.vpc_id

  ingress {
    description     = "from the app tier"
    from_port       = 5432
    to_port         = 5432
    protocol        = "tcp"
    security_groups = [aws_security_group.app.id]
  }

  egress {
    description = "no egress"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["127.0.0.1/32"]
  }

  tags = { Name = "db", tier = "db" }
}

resource "aws_security_group_rule" "web_to_app" {
  type                     = "egress"
  security_group_id        = aws_security_group.web.id
  source_security_group_id = aws_security_group.app.id
  protocol                 = "tcp"
  from_port                = local.app_port
  to_port                  = local.app_port
  description              = "to the app tier"
}

resource "aws_vpc_security_group_ingress_rule" "app_from_web" {
  security_group_id            = aws_security_group.app.id
  referenced_security_group_id = aws_security_group.web.id
  ip_protocol                  = "tcp"
  from_port                    = local.app_port
  to_port                      = local.app_port
  description                  = "from the load balancer"
}

resource "aws_vpc_security_group_ingress_rule" "app_from_bastion" {
  security_group_id            = aws_security_group.app.id
  referenced_security_group_id = module.bastion.security_group_id
  ip_protocol                  = "tcp"
  from_port                    = 22
  to_port                      = 22
  description                  = "SSH from the bastion"
}

resource "aws_vpc_security_group_egress_rule" "app_to_db" {
  security_group_id            = aws_security_group.app.id
  referenced_security_group_id = aws_security_group.db.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "to Postgres"
}

resource "aws_vpc_security_group_egress_rule" "bastion_to_app" {
  security_group_id            = module.bastion.security_group_id
  referenced_security_group_id = aws_security_group.app.id
  ip_protocol                  = "tcp"
  from_port                    = 22
  to_port                      = 22
  description                  = "SSH to the app tier"
}

module "bastion" {
  source      = "./modules/bastion"
  vpc_id      = var.vpc_id
  admin_cidrs = [var.office_cidr]
}
