# Rules attached to groups defined elsewhere: a literal id, a data source, a variable.
variable "shared_group_id" {
  type = string
}

data "aws_security_group" "legacy" {
  name = "legacy"
}

resource "aws_security_group_rule" "ssh_to_existing" {
  type              = "ingress"
  security_group_id = "sg-0123456789abcdef0"
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  description       = "SSH from anywhere"
}

resource "aws_security_group_rule" "to_legacy" {
  type              = "ingress"
  security_group_id = data.aws_security_group.legacy.id
  from_port         = 3306
  to_port           = 3306
  protocol          = "tcp"
  cidr_blocks       = ["10.0.0.0/8"]
  description       = "MySQL"
}

resource "aws_vpc_security_group_ingress_rule" "to_shared" {
  security_group_id = var.shared_group_id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 3389
  to_port           = 3389
  description       = "RDP"
}
