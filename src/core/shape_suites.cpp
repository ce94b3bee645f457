#include "gpubench/core/shape_suites.hpp"

#include <algorithm>
#include <cstdint>

#include <fmt/format.h>

#include "gpubench/core/errors.hpp"
#include "gpubench/core/text.hpp"

namespace gpubench {

namespace {

// A decoder-only transformer's published configuration (its config.json on Hugging Face).
struct ModelConfig {
  std::int64_t hidden, intermediate, heads, kv_heads, layers, vocab;
  std::int64_t head_dim() const { return hidden / heads; }
};

// Meta's Llama 3 (meta-llama/Meta-Llama-3-8B and -70B, config.json): hidden_size,
// intermediate_size, num_attention_heads, num_key_value_heads, num_hidden_layers, vocab_size.
constexpr ModelConfig kLlama3_8B{4096, 14336, 32, 8, 32, 128256};
constexpr ModelConfig kLlama3_70B{8192, 28672, 64, 8, 80, 128256};

constexpr std::int64_t kDefaultTokens = 4096;

// A Linear layer y = x W^T over `tokens` rows (x: tokens x in, W stored out x in as PyTorch keeps
// it): forward tokens x out x in, nt. Its backward: dX = dY W (tokens x in x out, nn) and
// dW = dY^T X (out x in x tokens, tn).
void add_linear(std::vector<ShapeCase>& out, std::int64_t tokens, std::int64_t features_out,
                std::int64_t features_in, std::int64_t count, bool backward) {
  const auto add = [&](std::int64_t m, std::int64_t n, std::int64_t k, Layout l) {
    ShapeCase c;
    c.shape = {m, n, k, l, 1};
    c.layout = l;
    c.count = count;
    out.push_back(c);
  };
  add(tokens, features_out, features_in, Layout::nt);
  if (!backward) return;
  add(tokens, features_in, features_out, Layout::nn);
  add(features_out, features_in, tokens, Layout::tn);
}

// Per layer: the fused QKV projection (query heads plus key and value heads, grouped-query),
// the output projection, the fused gate/up projection and the down projection, each once per
// layer; then the LM head once. Attention's own products (Q K^T, P V) are left out: fused
// attention kernels run them, not the GEMM library.
std::vector<ShapeCase> transformer_cases(const ModelConfig& m, std::int64_t tokens, bool backward) {
  std::vector<ShapeCase> out;
  const std::int64_t qkv = (m.heads + 2 * m.kv_heads) * m.head_dim();
  add_linear(out, tokens, qkv, m.hidden, m.layers, backward);
  add_linear(out, tokens, m.hidden, m.hidden, m.layers, backward);
  add_linear(out, tokens, 2 * m.intermediate, m.hidden, m.layers, backward);
  add_linear(out, tokens, m.hidden, m.intermediate, m.layers, backward);
  add_linear(out, tokens, m.vocab, m.hidden, 1, backward);
  return out;
}

// DeepBench (github.com/baidu-research/DeepBench, code/kernels/gemm_problems.h): a
// representative subset of its training_set and inference_server_set, one of each kind of
// layer. DeepBench lists column-major cuBLAS calls (m, n, k, a_t, b_t); here each is in
// gpubench's row-major terms: M = its n, N = its m, K = k, layout letters (b_t, a_t).
struct DeepBenchGemm {
  std::int64_t m, n, k;
  bool a_t, b_t;
};
constexpr DeepBenchGemm kDeepBenchTraining[] = {
    {1760, 16, 1760, false, false},   {1760, 7000, 1760, false, false},
    {2048, 128, 2048, false, false},  {2560, 7000, 2560, false, false},
    {4096, 16, 4096, true, false},    {4096, 7000, 4096, true, false},
    {2560, 7133, 2560, false, true},  {5124, 9124, 2560, false, false},
    {35, 8457, 4096, false, false},   {7680, 64, 2560, true, false},
    {3072, 7435, 1024, false, true},  {512, 8, 500000, false, false},
    {1024, 700, 512, false, false},   {7680, 24000, 2560, false, false},
    {6144, 48000, 2048, true, false}, {512, 24000, 2816, false, false},
};
constexpr DeepBenchGemm kDeepBenchInference[] = {
    {5124, 700, 2048, false, false},  {35, 700, 2048, false, false},
    {7680, 1, 2560, false, false},    {3072, 4, 1024, false, false},
    {512, 2, 500000, false, false},   {1024, 700, 512, false, false},
    {7680, 1500, 2560, false, false}, {6144, 3000, 2048, false, false},
    {8448, 6000, 2816, false, false}, {4608, 2, 1536, false, false},
    {1024, 3000, 2560, false, false}, {512, 1, 512, false, false},
};

template <std::size_t N>
std::vector<ShapeCase> deepbench_cases(const DeepBenchGemm (&list)[N]) {
  std::vector<ShapeCase> out;
  for (const DeepBenchGemm& g : list) {
    ShapeCase c;
    const Layout l = g.b_t ? (g.a_t ? Layout::tt : Layout::tn) : (g.a_t ? Layout::nt : Layout::nn);
    c.shape = {g.n, g.m, g.k, l, 1};
    c.layout = l;
    out.push_back(c);
  }
  return out;
}

struct Suite {
  std::string_view name;
  std::string_view what;
  bool takes_tokens;
  std::vector<ShapeCase> (*cases)(std::int64_t tokens);
};

const Suite kSuites[] = {
    {"llama3-8b", "Llama 3 8B forward: QKV, output, gate/up, down per layer (x32), LM head", true,
     [](std::int64_t t) { return transformer_cases(kLlama3_8B, t, false); }},
    {"llama3-8b-train", "Llama 3 8B forward and backward (data and weight gradients)", true,
     [](std::int64_t t) { return transformer_cases(kLlama3_8B, t, true); }},
    {"llama3-70b", "Llama 3 70B forward: QKV, output, gate/up, down per layer (x80), LM head",
     true, [](std::int64_t t) { return transformer_cases(kLlama3_70B, t, false); }},
    {"llama3-70b-train", "Llama 3 70B forward and backward (data and weight gradients)", true,
     [](std::int64_t t) { return transformer_cases(kLlama3_70B, t, true); }},
    {"deepbench-train", "DeepBench training GEMMs (a representative subset)", false,
     [](std::int64_t) { return deepbench_cases(kDeepBenchTraining); }},
    {"deepbench-inference", "DeepBench server inference GEMMs (a representative subset)", false,
     [](std::int64_t) { return deepbench_cases(kDeepBenchInference); }},
};

std::string suite_names() {
  std::string s;
  for (const Suite& suite : kSuites) s += (s.empty() ? "" : ", ") + std::string(suite.name);
  return s + ", list";
}

}  // namespace

bool lists_suites(std::string_view value) {
  return trim(value) == std::string(kSuitePrefix) + "list";
}

std::vector<ShapeCase> read_shapes(const std::string& value) {
  const std::string_view v = trim(value);
  if (v.starts_with(kSuitePrefix)) return suite_cases(v.substr(kSuitePrefix.size()));
  return read_shapes_file(value);
}

std::vector<ShapeCase> suite_cases(std::string_view spec) {
  spec = trim(spec);
  const std::size_t colon = spec.find(':');
  const std::string_view name = spec.substr(0, colon);
  const auto suite = std::find_if(std::begin(kSuites), std::end(kSuites),
                                  [&](const Suite& s) { return s.name == name; });
  if (suite == std::end(kSuites))
    throw UsageError(fmt::format("--shapes: unknown suite '{}' (known: {})", shown_input(name),
                                 suite_names()));
  std::int64_t tokens = kDefaultTokens;
  if (colon != spec.npos) {
    if (!suite->takes_tokens)
      throw UsageError(fmt::format("--shapes: suite '{}' takes no token count", suite->name));
    try {
      tokens = parse_dimension(spec.substr(colon + 1), "the token count");
    } catch (const UsageError& e) {
      throw UsageError(fmt::format("--shapes suite:{}: {}", suite->name, e.what()));
    }
  }
  return suite->cases(tokens);
}

std::string suite_list() {
  std::string out;
  for (const Suite& s : kSuites)
    out += fmt::format("suite:{:<28} {}\n",
                       std::string(s.name) + (s.takes_tokens ? "[:TOKENS]" : ""), s.what);
  return out + fmt::format("TOKENS: the rows of each Linear layer (batch x sequence length), "
                           "default {}\n", kDefaultTokens);
}

}  // namespace gpubench
