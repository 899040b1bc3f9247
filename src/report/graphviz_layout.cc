// Graphviz's layout as a module of its own (libsgcheck-graphviz.so), opened by graph_svg() only
// when a command lays out a graph: the rest of sgcheck, and every command that draws nothing, then
// never maps Graphviz's nine libraries at start-up. Entry points: sgcheck_graphviz_svg(),
// sgcheck_graphviz_free() (C linkage, found with dlsym).
#include <graphviz/gvc.h>

// Graphviz's dot layout and core renderers (SVG), linked in rather than loaded as plugins: the
// output then depends on this build alone, not on the fonts or plugins a machine has installed.
extern "C" {
extern gvplugin_library_t gvplugin_dot_layout_LTX_library;
extern gvplugin_library_t gvplugin_core_LTX_library;

// Lays out the DOT text `dot` and renders it as SVG: 0 and *svg (*length bytes, to be given back
// to sgcheck_graphviz_free()) on success, non-zero when Graphviz fails.
__attribute__((visibility("default"))) int sgcheck_graphviz_svg(const char* dot, char** svg,
                                                                unsigned int* length);
__attribute__((visibility("default"))) void sgcheck_graphviz_free(char* svg);
}

int sgcheck_graphviz_svg(const char* dot, char** svg, unsigned int* length) {
  static const lt_symlist_t builtins[] = {
      {"gvplugin_dot_layout_LTX_library", &gvplugin_dot_layout_LTX_library},
      {"gvplugin_core_LTX_library", &gvplugin_core_LTX_library},
      {nullptr, nullptr}};
  *svg = nullptr;
  *length = 0;
  GVC_t* gvc = gvContextPlugins(builtins, 0);
  Agraph_t* g = agmemread(dot);
  int failed = 1;
  if (g != nullptr) {
    failed = gvLayout(gvc, g, "dot") != 0 || gvRenderData(gvc, g, "svg", svg, length) != 0;
    gvFreeLayout(gvc, g);
    agclose(g);
  }
  gvFreeContext(gvc);
  return failed;
}

void sgcheck_graphviz_free(char* svg) {
  if (svg != nullptr) gvFreeRenderData(svg);
}
