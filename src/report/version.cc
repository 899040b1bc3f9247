// The version of sgcheck, from the build (meson.build's project version through the generated
// sgcheck_version.h). Entry point: version().
#include "sgcheck/report.h"
#include "sgcheck_version.h"

namespace sgcheck {

const char* version() {
  return SGCHECK_VERSION;
}

}  // namespace sgcheck
