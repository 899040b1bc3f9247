resource "aws_security_group" "broken" {
  name = "broken"
  ingress {
    from_port = 22
    cidr_blocks = ["10.0.0.0/8",
  }
}

# Read: the broken resource above is left out, reading goes on at the next line that starts an item.
resource "aws_security_group" "after_the_error" {
  name        = "after"
  description = "read after the error"
  vpc_id      = "vpc-0123456789abcdef0"

  ingress {
    description = "RDP"
    from_port   = 3389
    to_port     = 3389
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress = []
}
