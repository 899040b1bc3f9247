# A dynamic ingress block over a variable list: one block per element.
variable "admin_ports" {
  type    = list(number)
  default = [22, 3389]
}

variable "office" {
  type    = list(string)
  default = ["198.51.100.0/24", "0.0.0.0/0"]
}

resource "aws_security_group" "admin" {
  name        = "admin"
  description = "remote administration"
  vpc_id      = "vpc-0123456789abcdef0"

  dynamic "ingress" {
    for_each = var.admin_ports
    iterator = port
    content {
      description = "admin port ${port.value}"
      from_port   = port.value
      to_port     = port.value
      protocol    = "tcp"
      cidr_blocks = var.office
    }
  }

  egress {
    description = "HTTPS out"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}
