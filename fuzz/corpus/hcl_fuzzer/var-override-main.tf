# Values from terraform.tfvars, then --var-file, then --var (later ones win).
variable "http_port" {
  type    = number
  default = 80
}

variable "allowed" {
  type    = list(string)
  default = ["10.0.0.0/8"]
}

variable "environment" {
  type = string
}

resource "aws_security_group" "web" {
  name        = "web-${var.environment}"
  description = "web servers"
  vpc_id      = "vpc-0123456789abcdef0"

  ingress {
    description = "HTTP"
    from_port   = var.http_port
    to_port     = var.http_port
    protocol    = "tcp"
    cidr_blocks = var.allowed
  }
  egress = []
}
