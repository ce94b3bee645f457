// The sweep chart: GFLOPS against size for every backend and dtype, the GPU-over-CPU speedup,
// crossovers marked. A self-contained SVG (no scripts, no external fonts or styles), a pure
// function of Results.
#pragma once

#include <string>
#include <vector>

#include "gpubench/core/record.hpp"

namespace gpubench {

struct PlotInput {
  std::string label;  // names this input's series when several are drawn (host or file name)
  Results results;
};

// Labels for several inputs: each file's hostname, or its file name where hostnames repeat.
std::vector<std::string> plot_labels(const std::vector<std::string>& paths,
                                     const std::vector<Results>& results);

// Throws UsageError when no input holds an ok square-size row (nothing to draw).
std::string render_svg(const std::vector<PlotInput>& inputs);

// A minimal HTML page with the SVG inline.
std::string render_html(const std::string& svg, const std::string& title);

}  // namespace gpubench
