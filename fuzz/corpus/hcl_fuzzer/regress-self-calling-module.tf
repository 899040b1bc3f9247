module "again" {
  source = "./"
}
module "twice" {
  source = "./"
  count = 3
}
resource "aws_security_group" "s" {
  count = 100000
  name = "s${count.index}"
}
