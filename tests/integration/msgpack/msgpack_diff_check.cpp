// Differential check of sio::codec msgpack against the real JS encoders: reads the vectors
// written by gen-vectors.mjs and verifies, per value, that toMsgpack gives exactly the
// @msgpack/msgpack and notepack.io bytes, that parseMsgpack of those bytes equals what each
// JS decoder returned, and that re-encoding it gives what JS gives for its decoded value;
// per Date, that both encodings decode to the ISO string (or null) JSON.stringify gives.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "sio/codec/json.hpp"
#include "sio/codec/msgpack.hpp"
#include "tagged_values.hpp"

using sio::Value;
using namespace sio::codec;

using namespace vectors;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: msgpack-diff-check <vectors-file>\n";
    return 2;
  }
  std::ifstream in(argv[1]);
  if (!in) {
    std::cerr << "cannot read " << argv[1] << "\n";
    return 2;
  }
  size_t values = 0, dates = 0, failures = 0, checks = 0;
  auto fail = [&](size_t line, const std::string& what, const std::string& detail) {
    if (++failures <= 20)
      std::cerr << "line " << line << ": " << what << "\n  " << brief(detail) << "\n";
  };
  std::string text;
  for (size_t lineNo = 1; std::getline(in, text); ++lineNo) {
    std::vector<std::string> f;
    for (size_t start = 0;;) {
      size_t tab = text.find('\t', start);
      f.push_back(text.substr(start, tab - start));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    if (f.size() != 8) {
      fail(lineNo, "malformed line", text);
      continue;
    }
    const std::string mmBytes = fromHex(f[2]);
    const std::string npBytes = fromHex(f[3]);
    auto mmParsed = parseMsgpack(mmBytes);
    auto npParsed = parseMsgpack(npBytes);
    if (f[0] == "D") {
      ++dates;
      checks += 3;
      if (f[2] != f[3]) fail(lineNo, "JS encoders disagree on a Date (unexpected)", f[1]);
      if (!mmParsed || !same(*mmParsed, *parseJson(f[4])))
        fail(lineNo, "Date from @msgpack/msgpack",
             f[1] + " " + f[2] + " want " + f[4] + " got " +
                 (mmParsed ? toJson(*mmParsed) : "error"));
      if (!npParsed || !same(*npParsed, *parseJson(f[5])))
        fail(lineNo, "Date from notepack",
             f[1] + " " + f[3] + " want " + f[5] + " got " +
                 (npParsed ? toJson(*npParsed) : "error"));
      continue;
    }
    ++values;
    auto tagged = parseJson(f[1], nullptr, {.maxDepth = 1000});
    if (!tagged) {
      fail(lineNo, "bad JSON", f[1]);
      continue;
    }
    const Value value = untag(*tagged);
    checks += 6;  // 2 encodes, 2 decodes, 2 re-encodes
    if (std::string got = toHex(toMsgpack(value, MsgpackFlavor::MsgpackJs)); got != f[2])
      fail(lineNo, "encode MsgpackJs", f[1] + "\n  want " + brief(f[2]) + "\n  got  " + got);
    if (std::string got = toHex(toMsgpack(value, MsgpackFlavor::Notepack)); got != f[3])
      fail(lineNo, "encode Notepack", f[1] + "\n  want " + brief(f[3]) + "\n  got  " + got);
    const Value mmWant = normalize(untag(*parseJson(f[4], nullptr, {.maxDepth = 1000})));
    const Value npWant = normalize(untag(*parseJson(f[5], nullptr, {.maxDepth = 1000})));
    if (!mmParsed || !same(*mmParsed, mmWant))
      fail(lineNo, "decode @msgpack/msgpack bytes", f[2] + " want " + f[4]);
    if (!npParsed || !same(*npParsed, npWant))
      fail(lineNo, "decode notepack bytes", f[3] + " want " + f[5]);
    if (mmParsed && toHex(toMsgpack(*mmParsed, MsgpackFlavor::MsgpackJs)) != f[6])
      fail(lineNo, "re-encode of decoded @msgpack/msgpack bytes", f[2] + " want " + f[6]);
    if (npParsed && toHex(toMsgpack(*npParsed, MsgpackFlavor::Notepack)) != f[7])
      fail(lineNo, "re-encode of decoded notepack bytes", f[3] + " want " + f[7]);
  }
  std::printf("msgpack-diff-check: %zu values, %zu dates, %zu checks, %zu failures\n", values,
              dates, checks, failures);
  return failures == 0 && values > 0 ? 0 : 1;
}
