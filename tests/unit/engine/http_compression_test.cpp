// Accept-Encoding negotiation and zlib output that a client can inflate.
#include <gtest/gtest.h>
#include <zlib.h>

#include "http_compression.hpp"

using namespace sio::engine;

namespace {
std::string inflateAll(const std::string& data, int windowBits) {
  z_stream stream{};
  EXPECT_EQ(inflateInit2(&stream, windowBits), Z_OK);
  std::string out(1 << 20, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  inflateEnd(&stream);
  return out;
}
}  // namespace

TEST(HttpCompression, ChoosesByQualityPreferringGzip) {
  EXPECT_EQ(chooseEncoding("gzip, deflate, br"), ContentEncoding::Gzip);
  EXPECT_EQ(chooseEncoding("deflate"), ContentEncoding::Deflate);
  EXPECT_EQ(chooseEncoding("gzip;q=0.5, deflate;q=0.9"), ContentEncoding::Deflate);
  EXPECT_EQ(chooseEncoding("*"), ContentEncoding::Gzip);
  EXPECT_EQ(chooseEncoding("gzip;q=0, deflate;q=0"), std::nullopt);
  EXPECT_EQ(chooseEncoding("br, identity"), std::nullopt);
  EXPECT_EQ(chooseEncoding(""), std::nullopt);
}

TEST(HttpCompression, GzipAndDeflateInflateBack) {
  std::string payload;
  for (int i = 0; i < 500; ++i) payload += "4message number " + std::to_string(i) + "\x1e";
  auto gz = compressBody(payload, ContentEncoding::Gzip);
  ASSERT_TRUE(gz);
  EXPECT_LT(gz->size(), payload.size());
  EXPECT_EQ(inflateAll(*gz, 15 + 16), payload);
  auto deflated = compressBody(payload, ContentEncoding::Deflate);
  ASSERT_TRUE(deflated);
  EXPECT_EQ(inflateAll(*deflated, 15), payload);
}
