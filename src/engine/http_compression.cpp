// Accept-Encoding negotiation and zlib compression for polling responses.
#include "http_compression.hpp"

#include <zlib.h>

#include <cctype>
#include <cstdlib>

namespace sio::engine {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

// The q-value the header gives `coding` (a `*` entry counts for codings not named).
double qualityOf(std::string_view header, std::string_view coding) {
  double named = -1, wildcard = -1;
  while (!header.empty()) {
    auto comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    auto semi = item.find(';');
    std::string_view name = trim(item.substr(0, semi));
    double q = 1;
    if (semi != std::string_view::npos) {
      std::string_view params = trim(item.substr(semi + 1));
      if (params.size() > 2 && (params[0] == 'q' || params[0] == 'Q') && params[1] == '=')
        q = std::strtod(std::string(params.substr(2)).c_str(), nullptr);
    }
    if (equalsIgnoreCase(name, coding))
      named = q;
    else if (name == "*")
      wildcard = q;
  }
  return named >= 0 ? named : wildcard;
}

}  // namespace

std::optional<ContentEncoding> chooseEncoding(std::string_view acceptEncoding) {
  double gzip = qualityOf(acceptEncoding, "gzip");
  double deflate = qualityOf(acceptEncoding, "deflate");
  if (gzip <= 0 && deflate <= 0) return std::nullopt;
  return gzip >= deflate ? ContentEncoding::Gzip : ContentEncoding::Deflate;
}

std::string_view encodingName(ContentEncoding encoding) {
  return encoding == ContentEncoding::Gzip ? "gzip" : "deflate";
}

std::optional<std::string> compressBody(std::string_view data, ContentEncoding encoding) {
  z_stream stream{};
  int windowBits = encoding == ContentEncoding::Gzip ? 15 + 16 : 15;
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK)
    return std::nullopt;
  std::string out(deflateBound(&stream, data.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  if (rc != Z_STREAM_END) return std::nullopt;
  return out;
}

}  // namespace sio::engine
