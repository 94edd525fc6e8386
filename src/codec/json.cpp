// JSON text for sio::Value: a writer byte-identical to JavaScript's JSON.stringify (doubles
// in Number.prototype.toString form, Binary as Node's Buffer.toJSON) and a strict,
// iterative JSON.parse-compatible parser (explicit stack with a depth limit; strings
// decoded to UTF-8/WTF-8; int64 integers kept as Int; duplicate keys as JSON.parse).
// Hot paths avoid per-character allocation: strings are scanned 8 bytes at a time, and
// each array or object is allocated once, at its exact size (items gather in a per-thread
// scratch stack until it closes).
#include "sio/codec/json.hpp"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <functional>
#include <iterator>
#include <limits>
#include <system_error>
#include <vector>

#include "sio/codec/json_string.hpp"

namespace sio::codec {

namespace {

// ---------------------------------------------------------------------------------------
// Writer

// Number.prototype.toString(10) for a finite, non-zero double (ECMA-262 Number::toString).
void appendDouble(double d, std::string& out) {
  if (!std::isfinite(d)) {
    out += "null";
    return;
  }
  if (d == 0) {  // +0 and -0 alike
    out.push_back('0');
    return;
  }
  // Shortest round-trip digits in scientific form, e.g. "-1.2345e+02".
  char sci[32];
  auto res = std::to_chars(sci, sci + sizeof sci, d, std::chars_format::scientific);
  const char* p = sci;
  if (*p == '-') {
    out.push_back('-');
    ++p;
  }
  char digits[24];
  int k = 0;
  for (; p < res.ptr && *p != 'e'; ++p)
    if (*p != '.') digits[k++] = *p;
  ++p;  // 'e'
  bool negExp = *p == '-';
  ++p;
  int exp10 = 0;
  for (; p < res.ptr; ++p) exp10 = exp10 * 10 + (*p - '0');
  if (negExp) exp10 = -exp10;
  const int n = exp10 + 1;  // value = 0.d1d2...dk * 10^n

  if (k <= n && n <= 21) {
    out.append(digits, size_t(k));
    out.append(size_t(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, size_t(n));
    out.push_back('.');
    out.append(digits + n, size_t(k - n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(size_t(-n), '0');
    out.append(digits, size_t(k));
  } else {
    out.push_back(digits[0]);
    if (k > 1) {
      out.push_back('.');
      out.append(digits + 1, size_t(k - 1));
    }
    out.push_back('e');
    out.push_back(n - 1 < 0 ? '-' : '+');
    char buf[8];
    auto r = std::to_chars(buf, buf + sizeof buf, n - 1 < 0 ? 1 - n : n - 1);
    out.append(buf, r.ptr);
  }
}

void appendInt(int64_t n, std::string& out) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, r.ptr);
}

void appendBinary(const Binary& bin, std::string& out) {
  std::string_view bytes = bin.view();
  out += R"({"type":"Buffer","data":[)";
  out.reserve(out.size() + bytes.size() * 4 + 2);
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i) out.push_back(',');
    unsigned b = static_cast<unsigned char>(bytes[i]);
    if (b >= 100) out.push_back(char('0' + b / 100));
    if (b >= 10) out.push_back(char('0' + b / 10 % 10));
    out.push_back(char('0' + b % 10));
  }
  out += "]}";
}

void write(const Value& v, std::string& out) {
  switch (v.type()) {
    case Value::Type::Null:
      out += "null";
      break;
    case Value::Type::Bool:
      out += v.asBool() ? "true" : "false";
      break;
    case Value::Type::Int:
      appendInt(v.asInt(), out);
      break;
    case Value::Type::Double:
      appendDouble(v.asDouble(), out);
      break;
    case Value::Type::String:
      appendJsonString(v.asString(), out);
      break;
    case Value::Type::Binary:
      appendBinary(v.asBinary(), out);
      break;
    case Value::Type::Array: {
      out.push_back('[');
      bool first = true;
      for (const Value& item : v.asArray()) {
        if (!first) out.push_back(',');
        first = false;
        write(item, out);
      }
      out.push_back(']');
      break;
    }
    case Value::Type::Object: {
      out.push_back('{');
      bool first = true;
      for (const Value::Member& m : v.asObject()) {
        if (!first) out.push_back(',');
        first = false;
        appendJsonString(m.first, out);
        out.push_back(':');
        write(m.second, out);
      }
      out.push_back('}');
      break;
    }
  }
}

// ---------------------------------------------------------------------------------------
// Parser

constexpr uint64_t kOnes = 0x0101010101010101ull;
constexpr uint64_t kHighs = 0x8080808080808080ull;

// The high bit of each of the 8 bytes of `x` (in memory order, little-endian) that is '"',
// '\\' or below 0x20; the lowest bit set marks the first such byte exactly (a borrow only
// runs upwards from a byte that is one).
inline uint64_t stringSpecials(uint64_t x) {
  uint64_t quote = x ^ (kOnes * '"');
  uint64_t slash = x ^ (kOnes * '\\');
  uint64_t t = ((quote - kOnes) & ~quote) | ((slash - kOnes) & ~slash) | ((x - kOnes * 0x20) & ~x);
  return t & kHighs;
}

inline int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

inline void appendUtf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(char(cp));
  } else if (cp < 0x800) {
    char b[2] = {char(0xC0 | (cp >> 6)), char(0x80 | (cp & 0x3F))};
    out.append(b, 2);
  } else if (cp < 0x10000) {  // lone surrogates too, as WTF-8
    char b[3] = {char(0xE0 | (cp >> 12)), char(0x80 | ((cp >> 6) & 0x3F)),
                 char(0x80 | (cp & 0x3F))};
    out.append(b, 3);
  } else {
    char b[4] = {char(0xF0 | (cp >> 18)), char(0x80 | ((cp >> 12) & 0x3F)),
                 char(0x80 | ((cp >> 6) & 0x3F)), char(0x80 | (cp & 0x3F))};
    out.append(b, 4);
  }
}

// An open array or object while parsing. Its items so far are the entries of the
// scratch stack (values for an array, members for an object) from `start` on; an object's
// last member is the one whose value is being parsed. For large objects, `index` is an
// open-addressing hash table of member positions (from `start`) + 1 (0 = empty), so
// duplicate detection stays O(1).
struct Frame {
  bool isObject = false;
  size_t start = 0;
  std::vector<uint32_t> index;
};

constexpr size_t kIndexFrom = 16;  // objects with this many members get a hash index

// The parser's working memory, kept by each thread from one parse to the next: items are
// gathered here and each container is allocated once, at its exact size, when it closes.
struct Scratch {
  std::vector<Frame> frames;
  std::vector<Value> values;
  std::vector<Value::Member> members;

  void clear() {
    frames.clear();
    values.clear();
    members.clear();
  }
  // After a parse: empty, and a huge text's memory is not kept for the thread's lifetime.
  void release() {
    constexpr size_t kKeep = 4096;
    if (frames.capacity() > kKeep) std::vector<Frame>().swap(frames);
    if (values.capacity() > kKeep) std::vector<Value>().swap(values);
    if (members.capacity() > kKeep) std::vector<Value::Member>().swap(members);
    clear();
  }
};

Scratch& threadScratch() {
  thread_local Scratch scratch;
  return scratch;
}

// The entries of `stack` from `start` on, moved into a container of their exact size.
template <class Item>
std::vector<Item> takeFrom(std::vector<Item>& stack, size_t start) {
  auto first = stack.begin() + std::ptrdiff_t(start);
  std::vector<Item> items(std::make_move_iterator(first), std::make_move_iterator(stack.end()));
  stack.erase(first, stack.end());
  return items;
}

class Parser {
 public:
  Parser(std::string_view text, JsonError* error, size_t maxDepth, Scratch& scratch)
      : scratch_(scratch),
        begin_(text.data()),
        p_(text.data()),
        end_(text.data() + text.size()),
        error_(error),
        maxDepth_(maxDepth) {}

  std::optional<Value> run();

 private:
  std::optional<Value> parse();
  std::nullopt_t fail(const char* at, const char* message) {
    if (error_) {
      error_->offset = size_t(at - begin_);
      error_->message = message;
    }
    return std::nullopt;
  }
  std::nullopt_t failHere(const char* message) {
    return fail(p_, p_ == end_ ? "unexpected end of input" : message);
  }

  void skipWhitespace() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  bool parseString(std::string& out);
  bool parseNumber(Value& out);
  bool parseLiteral(const char* word, size_t len) {
    if (size_t(end_ - p_) < len || std::memcmp(p_, word, len) != 0) {
      // Point at the first byte that differs.
      const char* q = p_;
      for (size_t i = 0; i < len && q < end_ && *q == word[i]; ++i) ++q;
      fail(q, q == end_ ? "unexpected end of input" : "unexpected character");
      return false;
    }
    p_ += len;
    return true;
  }
  // Reads `"key" :` into a new last member of the scratch; p_ at the opening quote.
  bool parseKey() {
    if (p_ == end_ || *p_ != '"') {
      failHere("expected string key");
      return false;
    }
    if (!parseString(scratch_.members.emplace_back().first)) return false;
    skipWhitespace();
    if (p_ == end_ || *p_ != ':') {
      failHere("expected ':'");
      return false;
    }
    ++p_;
    return true;
  }
  void addMember(Frame& frame, Value&& value);
  void rebuildIndex(Frame& frame);

  Scratch& scratch_;
  const char* begin_;
  const char* p_;
  const char* end_;
  JsonError* error_;
  size_t maxDepth_;
};

bool Parser::parseString(std::string& out) {
  ++p_;  // opening quote
  const char* start = p_;
  // Fast path: no escapes.
  for (;;) {
    while (end_ - p_ >= 8) {
      uint64_t chunk;
      std::memcpy(&chunk, p_, 8);
      if (uint64_t specials = stringSpecials(chunk)) {
        if constexpr (std::endian::native == std::endian::little)
          p_ += std::countr_zero(specials) / 8;  // straight to the first special byte
        break;
      }
      p_ += 8;
    }
    if (p_ == end_) {
      fail(p_, "unterminated string");
      return false;
    }
    unsigned char c = static_cast<unsigned char>(*p_);
    if (c == '"') {
      out.assign(start, p_);
      ++p_;
      return true;
    }
    if (c == '\\') break;
    if (c < 0x20) {
      fail(p_, "control character in string");
      return false;
    }
    ++p_;
  }
  // Slow path: escapes present.
  out.assign(start, p_);
  for (;;) {
    const char* run = p_;
    while (p_ < end_) {
      unsigned char c = static_cast<unsigned char>(*p_);
      if (c == '"' || c == '\\' || c < 0x20) break;
      ++p_;
    }
    out.append(run, p_);
    if (p_ == end_) {
      fail(p_, "unterminated string");
      return false;
    }
    char c = *p_;
    if (c == '"') {
      ++p_;
      return true;
    }
    if (c != '\\') {
      fail(p_, "control character in string");
      return false;
    }
    const char* escape = p_;
    if (++p_ == end_) {
      fail(p_, "unterminated string");
      return false;
    }
    switch (*p_++) {
      case '"':
        out.push_back('"');
        break;
      case '\\':
        out.push_back('\\');
        break;
      case '/':
        out.push_back('/');
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'u': {
        auto hex4 = [&](const char* q) -> int32_t {
          if (end_ - q < 4) return -1;
          int32_t v = 0;
          for (int i = 0; i < 4; ++i) {
            int h = hexValue(q[i]);
            if (h < 0) return -1;
            v = v * 16 + h;
          }
          return v;
        };
        int32_t unit = hex4(p_);
        if (unit < 0) {
          fail(escape, "invalid \\u escape");
          return false;
        }
        p_ += 4;
        uint32_t cp = uint32_t(unit);
        if (cp >= 0xD800 && cp < 0xDC00 && end_ - p_ >= 6 && p_[0] == '\\' && p_[1] == 'u') {
          int32_t low = hex4(p_ + 2);
          if (low >= 0xDC00 && low < 0xE000) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + uint32_t(low - 0xDC00);
            p_ += 6;
          }
        }
        appendUtf8(cp, out);
        break;
      }
      default:
        fail(escape, "invalid escape");
        return false;
    }
  }
}

bool Parser::parseNumber(Value& out) {
  const char* start = p_;
  const char* q = p_;
  bool negative = false;
  if (q < end_ && *q == '-') {
    negative = true;
    ++q;
  }
  auto isDigit = [&](const char* r) { return r < end_ && *r >= '0' && *r <= '9'; };
  if (!isDigit(q)) {
    fail(q, q == end_  ? "unexpected end of input"
            : negative ? "invalid number"
                       : "unexpected character");
    return false;
  }
  const char* intStart = q;
  if (*q == '0') {
    ++q;
    if (isDigit(q)) {
      fail(q, "invalid number");  // leading zero
      return false;
    }
  } else {
    while (isDigit(q)) ++q;
  }
  const char* intEnd = q;
  bool integral = true;
  if (q < end_ && *q == '.') {
    integral = false;
    ++q;
    if (!isDigit(q)) {
      fail(q, q == end_ ? "unexpected end of input" : "invalid number");
      return false;
    }
    while (isDigit(q)) ++q;
  }
  const char* fracEnd = q;
  int64_t exponent = 0;
  if (q < end_ && (*q == 'e' || *q == 'E')) {
    integral = false;
    ++q;
    bool negExp = false;
    if (q < end_ && (*q == '+' || *q == '-')) negExp = *q++ == '-';
    if (!isDigit(q)) {
      fail(q, q == end_ ? "unexpected end of input" : "invalid number");
      return false;
    }
    while (isDigit(q)) {
      if (exponent < 1'000'000'000) exponent = exponent * 10 + (*q - '0');
      ++q;
    }
    if (negExp) exponent = -exponent;
  }
  p_ = q;

  if (integral) {
    if (negative && q - start == 2 && start[1] == '0') {
      out = Value(-0.0);  // JS has no integer -0
      return true;
    }
    int64_t n;
    auto r = std::from_chars(start, q, n);
    if (r.ec == std::errc() && r.ptr == q) {
      out = Value(n);
      return true;
    }
  }
  double d;
  auto r = std::from_chars(start, q, d);
  if (r.ec == std::errc::result_out_of_range) {
    // Decimal order of magnitude of the first significant digit decides overflow
    // (→ ±Infinity, as JSON.parse) versus underflow (→ ±0).
    int64_t order;
    const char* firstNonZero = intStart;
    while (firstNonZero < intEnd && *firstNonZero == '0') ++firstNonZero;
    if (firstNonZero < intEnd) {
      order = exponent + (intEnd - firstNonZero);
    } else {
      const char* f = intEnd + 1;  // after '.'
      while (f < fracEnd && *f == '0') ++f;
      order = exponent - (f - (intEnd + 1));
    }
    d = order > 0 ? std::numeric_limits<double>::infinity() : 0.0;
    if (negative) d = -d;
  } else if (r.ec != std::errc() || r.ptr != q) {
    fail(start, "invalid number");  // not reachable for text validated above
    return false;
  }
  out = Value(d);
  return true;
}

void Parser::rebuildIndex(Frame& frame) {
  const Value::Member* members = scratch_.members.data() + frame.start;
  const size_t count = scratch_.members.size() - frame.start;
  size_t cap = 64;
  while (cap < count * 4) cap *= 2;
  frame.index.assign(cap, 0);
  std::hash<std::string_view> hasher;
  for (size_t i = 0; i < count; ++i) {
    size_t slot = hasher(members[i].first) & (cap - 1);
    while (frame.index[slot]) slot = (slot + 1) & (cap - 1);
    frame.index[slot] = uint32_t(i + 1);
  }
}

// Gives the last member its value, or, when its key came before (JSON.parse: the last
// value wins, in the first one's place), the earlier member, dropping the last.
void Parser::addMember(Frame& frame, Value&& value) {
  Value::Object& members = scratch_.members;
  const size_t last = members.size() - 1;
  std::string_view key = members[last].first;
  if (frame.index.empty()) {
    for (size_t i = frame.start; i < last; ++i) {
      if (members[i].first == key) {
        members[i].second = std::move(value);
        members.pop_back();
        return;
      }
    }
    members[last].second = std::move(value);
    if (members.size() - frame.start >= kIndexFrom) rebuildIndex(frame);
    return;
  }
  size_t mask = frame.index.size() - 1;
  size_t slot = std::hash<std::string_view>()(key) & mask;
  while (uint32_t at = frame.index[slot]) {
    Value::Member& m = members[frame.start + at - 1];
    if (m.first == key) {
      m.second = std::move(value);
      members.pop_back();
      return;
    }
    slot = (slot + 1) & mask;
  }
  const size_t count = members.size() - frame.start;
  frame.index[slot] = uint32_t(count);
  members[last].second = std::move(value);
  if (count * 2 > frame.index.size()) rebuildIndex(frame);
}

std::optional<Value> Parser::run() {
  scratch_.clear();  // a parse that threw may have left items behind
  auto result = parse();
  scratch_.release();
  return result;
}

std::optional<Value> Parser::parse() {
  std::vector<Frame>& stack = scratch_.frames;
  Value current;
  skipWhitespace();
  for (;;) {
    // Parse one value into `current`, or open a container and continue with its first
    // element.
    if (p_ == end_) return fail(p_, "unexpected end of input");
    switch (*p_) {
      case '[':
      case '{': {
        if (stack.size() >= maxDepth_) return fail(p_, "nesting too deep");
        bool isObject = *p_ == '{';
        ++p_;
        skipWhitespace();
        if (p_ < end_ && *p_ == (isObject ? '}' : ']')) {
          ++p_;
          current = isObject ? Value(Value::Object{}) : Value(Value::Array{});
          break;
        }
        Frame& frame = stack.emplace_back();
        frame.isObject = isObject;
        frame.start = isObject ? scratch_.members.size() : scratch_.values.size();
        if (isObject) {
          if (!parseKey()) return std::nullopt;
        }
        skipWhitespace();
        continue;
      }
      case '"': {
        std::string s;
        if (!parseString(s)) return std::nullopt;
        current = Value(std::move(s));
        break;
      }
      case 't':
        if (!parseLiteral("true", 4)) return std::nullopt;
        current = Value(true);
        break;
      case 'f':
        if (!parseLiteral("false", 5)) return std::nullopt;
        current = Value(false);
        break;
      case 'n':
        if (!parseLiteral("null", 4)) return std::nullopt;
        current = Value(nullptr);
        break;
      default:
        if (!parseNumber(current)) return std::nullopt;
        break;
    }
    // `current` is complete: hand it to the enclosing containers, closing those that end.
    for (;;) {
      if (stack.empty()) {
        skipWhitespace();
        if (p_ != end_) return fail(p_, "unexpected character after JSON text");
        return current;
      }
      Frame& frame = stack.back();
      if (frame.isObject)
        addMember(frame, std::move(current));
      else
        scratch_.values.push_back(std::move(current));
      skipWhitespace();
      if (p_ == end_) return fail(p_, "unexpected end of input");
      if (*p_ == ',') {
        ++p_;
        skipWhitespace();
        if (frame.isObject && !parseKey()) return std::nullopt;
        skipWhitespace();
        break;  // parse the next element
      }
      if (*p_ != (frame.isObject ? '}' : ']'))
        return fail(p_, frame.isObject ? "expected ',' or '}'" : "expected ',' or ']'");
      ++p_;
      current = frame.isObject ? Value(takeFrom(scratch_.members, frame.start))
                               : Value(takeFrom(scratch_.values, frame.start));
      stack.pop_back();
    }
  }
}

}  // namespace

void appendJson(const Value& value, std::string& out) {
  write(value, out);
}

std::string toJson(const Value& value) {
  std::string out;
  out.reserve(64);  // one allocation for most texts, not three or four while growing
  write(value, out);
  return out;
}

std::optional<Value> parseJson(std::string_view text, JsonError* error, JsonParseOptions options) {
  return Parser(text, error, options.maxDepth, threadScratch()).run();
}

}  // namespace sio::codec
