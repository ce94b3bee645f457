// What every fuzz target shares: the expected exceptions, and how a broken invariant is reported.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

// A parser that returns something its contract rules out is a finding like a crash: say which
// check failed, then abort so that libFuzzer keeps the input as a reproducer.
#define FUZZ_CHECK(cond)                                                                     \
  do {                                                                                       \
    if (!(cond)) {                                                                           \
      std::fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                          \
    }                                                                                        \
  } while (0)

// UsageError (exit 2) and EnvironmentError (exit 3) are how gpubench turns away bad input; any
// other exception leaving a parser would reach main() as an "internal error", so the targets let
// it escape: libFuzzer reports it as a crash (std::terminate -> abort).
#define FUZZ_EXPECTED_ERRORS                  \
  catch (const gpubench::UsageError&) {       \
  }                                           \
  catch (const gpubench::EnvironmentError&) { \
  }

// Whether `text` could drive a terminal or break an XML document: a C0 control other than the
// line end, DEL, or a C1 control (U+0080..U+009F: "\xc2\x80".."\xc2\x9f" in UTF-8).
inline bool has_control_characters(const std::string& text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\n') || c == 0x7f) return true;
    if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(text[i + 1]) <= 0x9f)
      return true;
  }
  return false;
}

