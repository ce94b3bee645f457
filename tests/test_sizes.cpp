#include <gtest/gtest.h>

#include "gpubench/core/errors.hpp"
#include "gpubench/core/shape.hpp"
#include "gpubench/core/text.hpp"

using gpubench::parse_sizes;
using gpubench::Shape;
using gpubench::UsageError;

namespace {
std::vector<std::int64_t> squares(const std::vector<Shape>& v) {
  std::vector<std::int64_t> out;
  for (const auto& s : v) {
    EXPECT_TRUE(s.square()) << s.label();
    out.push_back(s.m);
  }
  return out;
}
}  // namespace

TEST(Sizes, SingleNumber) { EXPECT_EQ(squares(parse_sizes("1024")), (std::vector<std::int64_t>{1024})); }

TEST(Sizes, DoublingRange) {
  EXPECT_EQ(squares(parse_sizes("128..8192")),
            (std::vector<std::int64_t>{128, 256, 512, 1024, 2048, 4096, 8192}));
}

TEST(Sizes, DoublingRangeStopsBelowEnd) {
  EXPECT_EQ(squares(parse_sizes("100..1000")), (std::vector<std::int64_t>{100, 200, 400, 800}));
}

TEST(Sizes, ArithmeticRange) {
  EXPECT_EQ(squares(parse_sizes("128..1024:+128")),
            (std::vector<std::int64_t>{128, 256, 384, 512, 640, 768, 896, 1024}));
}

TEST(Sizes, GeometricRange) {
  EXPECT_EQ(squares(parse_sizes("256..4096:x4")), (std::vector<std::int64_t>{256, 1024, 4096}));
}

TEST(Sizes, RangeOfOne) { EXPECT_EQ(squares(parse_sizes("64..64")), (std::vector<std::int64_t>{64})); }

TEST(Sizes, List) {
  EXPECT_EQ(squares(parse_sizes("512,1000,3000")), (std::vector<std::int64_t>{512, 1000, 3000}));
}

TEST(Sizes, ListWithRangesAndSpaces) {
  EXPECT_EQ(squares(parse_sizes("64..256, 1000 ,128..384:+128")),
            (std::vector<std::int64_t>{64, 128, 256, 1000, 384}));
}

TEST(Sizes, Rectangular) {
  auto v = parse_sizes("4096x1024x512");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0], (Shape{4096, 1024, 512}));
  EXPECT_EQ(v[0].label(), "4096x1024x512");
}

TEST(Sizes, TwoDimsMeansKEqualsN) {
  auto v = parse_sizes("4096x1024");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0], (Shape{4096, 1024, 1024}));
}

TEST(Sizes, MixedShapesAndRanges) {
  auto v = parse_sizes("128..256,64x32x16");
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[2], (Shape{64, 32, 16}));
}

TEST(Sizes, FlopsAndBytes) {
  Shape s{4, 3, 2};
  EXPECT_DOUBLE_EQ(s.flops(), 2.0 * 4 * 3 * 2);
  EXPECT_EQ(s.operand_bytes(4), (4u * 2 + 2 * 3 + 4 * 3) * 4);
  Shape big{8192, 8192, 8192};
  EXPECT_DOUBLE_EQ(big.flops(), 2.0 * 8192.0 * 8192.0 * 8192.0);
}

TEST(Sizes, ByteCountOverflowIsDetected) {
  Shape s{std::int64_t(1) << 31, std::int64_t(1) << 31, std::int64_t(1) << 31};
  EXPECT_EQ(s.operand_bytes(8), std::numeric_limits<std::size_t>::max());
}

class BadSizes : public ::testing::TestWithParam<std::pair<const char*, const char*>> {};

// Each bad input must be rejected with a message that names the bad token and shows the grammar.
TEST_P(BadSizes, RejectedWithTokenAndGrammar) {
  const auto [spec, token] = GetParam();
  try {
    parse_sizes(spec);
    FAIL() << "accepted: " << spec;
  } catch (const UsageError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(token), std::string::npos) << msg;
    EXPECT_NE(msg.find("--sizes grammar"), std::string::npos) << msg;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Grammar, BadSizes,
    ::testing::Values(std::make_pair("0", "0"), std::make_pair("-5", "-5"),
                      std::make_pair("abc", "abc"), std::make_pair("", "empty"),
                      std::make_pair("8192..128", "8192..128"), std::make_pair("128..", "128.."),
                      std::make_pair("..128", "..128"), std::make_pair("128..1024:", "128..1024:"),
                      std::make_pair("128..1024:+0", "128..1024:+0"),
                      std::make_pair("128..1024:x1", "128..1024:x1"),
                      std::make_pair("128..1024:y2", "y2"), std::make_pair("128..1024:+", "128..1024:+"),
                      std::make_pair("1e3", "1e3"), std::make_pair("12.5", "12.5"),
                      std::make_pair("512,,1024", "512,,1024"), std::make_pair("512,", "512,"),
                      std::make_pair("1x2x3x4", "1x2x3x4"), std::make_pair("4096x", "4096x"),
                      std::make_pair("x4096", "x4096"), std::make_pair("64x0x64", "64x0x64"),
                      std::make_pair("99999999999999999999999", "99999999999999999999999"),
                      std::make_pair("3000000000", "3000000000"),
                      std::make_pair("2147483647x2147483647x2147483647", "overflow"),
                      std::make_pair("1..100000000:+1", "more than"),
                      std::make_pair("64..128..256", "64..128..256"), std::make_pair("+64", "+64"),
                      std::make_pair("0x10", "0x10"),
                      // A step before the range once crashed the parser (substr out of range).
                      std::make_pair("128:+1..1024", "step comes after"),
                      std::make_pair("1:2..4", "1:2..4"), std::make_pair("1:..2", "1:..2"),
                      std::make_pair("1:x2..4", "1:x2..4")));

TEST(Sizes, ASizeNamedTwiceIsMeasuredOnce) {
  EXPECT_EQ(squares(parse_sizes("64,64")), (std::vector<std::int64_t>{64}));
  EXPECT_EQ(squares(parse_sizes("128..512,256,1024")),
            (std::vector<std::int64_t>{128, 256, 512, 1024}));
}

TEST(Text, TrimAndSplitListAreTheOnesEveryParserUses) {
  EXPECT_EQ(gpubench::trim(" \t 128\r\n"), "128");
  EXPECT_EQ(gpubench::trim("   "), "");
  using V = std::vector<std::string_view>;
  EXPECT_EQ(gpubench::split_list("a,,b"), (V{"a", "", "b"}));
  EXPECT_EQ(gpubench::split_list(""), (V{""}));
  EXPECT_EQ(gpubench::split_list("a, b,"), (V{"a", " b", ""}));
  EXPECT_EQ(gpubench::split_list("1x2", 'x'), (V{"1", "2"}));
}

// Issue 15 item 18: what an error message echoes is quoted and cut short.
TEST(Text, ShownInputEscapesAndTruncates) {
  EXPECT_EQ(gpubench::shown_input("abc"), "abc");
  EXPECT_EQ(gpubench::shown_input(std::string_view("a\0b\x1b\xff", 5)), "a\\x00b\\x1b\\xff");
  const std::string big(10'000'000, '7');
  EXPECT_EQ(gpubench::shown_input(big), std::string(80, '7') + "... (10000000 bytes)");
}

// Issue 25 item 7: text from another machine's file keeps its UTF-8 and loses its controls.
TEST(Text, PrintableTextEscapesControlsAndBadBytesKeepsUtf8) {
  using gpubench::printable_text;
  EXPECT_EQ(printable_text("host-1 \xc2\xb5s \xe2\x82\xac \xf0\x9f\x98\x80"),
            "host-1 \xc2\xb5s \xe2\x82\xac \xf0\x9f\x98\x80");
  EXPECT_EQ(printable_text(std::string_view("\x1b]0;t\x07\0\x7f\r\n", 10)),
            "\\x1b]0;t\\x07\\x00\\x7f\\x0d\\x0a");
  EXPECT_EQ(printable_text("a\xc2\x9b" "2J"), "a\\xc2\\x9b2J");          // C1 CSI
  EXPECT_EQ(printable_text("\xff\xc0\xaf\xed\xa0\x80"),                // bad, overlong, surrogate
            "\\xff\\xc0\\xaf\\xed\\xa0\\x80");
  EXPECT_EQ(printable_text("\xe2\x82"), "\\xe2\\x82");                   // cut short
}

// Issue 25 item 9: an error message quoting a command line argument shows it through shown_input,
// whoever wrote the message (CLI11 included); other controls are escaped, line ends kept.
TEST(Text, WithInputsShownReplacesRawArguments) {
  using gpubench::with_inputs_shown;
  const std::string bad = "\x1b[2J" + std::string(5000, 'x');
  const std::string shown = with_inputs_shown("--progress: " + bad + " not in {auto}", {"matmul", bad});
  EXPECT_EQ(shown, "--progress: " + gpubench::shown_input(bad) + " not in {auto}");
  EXPECT_EQ(with_inputs_shown("--format '\x1bq' bad", {"--format=\x1bq"}), "--format '\\x1bq' bad");
  EXPECT_EQ(with_inputs_shown("line one\nfrom file \x07", {}), "line one\nfrom file \\x07");
  EXPECT_EQ(with_inputs_shown("plain 'abc'", {"abc"}), "plain 'abc'");
}

TEST(Sizes, ErrorMessagesEchoAShortPrintableToken) {
  auto message_of = [](const std::string& spec) {
    try {
      parse_sizes(spec);
    } catch (const UsageError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  const std::string huge = message_of(std::string(10'000'000, 'z'));
  EXPECT_LT(huge.size(), 2000u);
  EXPECT_NE(huge.find("(10000000 bytes)"), std::string::npos) << huge.substr(0, 300);
  const std::string nul = message_of(std::string("12\0" "34", 5));
  EXPECT_NE(nul.find("12\\x0034"), std::string::npos) << nul;
}
