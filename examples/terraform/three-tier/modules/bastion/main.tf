# The SSH bastion's group; its egress is the root module's aws_vpc_security_group_egress_rule.
variable "vpc_id" {
  type = string
}

variable "admin_cidrs" {
  type = list(string)
}

resource "aws_security_group" "bastion" {
  name        = "bastion"
  description = "SSH bastion"
  vpc_id      = var.vpc_id

  ingress {
    description = "office"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = var.admin_cidrs
  }

  egress = []

  tags = { Name = "bastion" }
}

output "security_group_id" {
  value = aws_security_group.bastion.id
}
