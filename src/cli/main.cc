#include "sgcheck/report.h"
int main() { return 0; }
