// X-Forwarded-For / X-Forwarded-Proto as a proxy chain writes them: each proxy appends the
// address it saw, so with N trusted proxies the client is the N-th entry from the right
// (earlier ones came from the client and may be forged); the scheme is read at the same
// position. Repeated headers form one list.
#include "forwarded_headers.hpp"

#include <boost/asio/ip/address.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace sio::engine {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Every comma-separated entry of every header named `name`, in order.
std::vector<std::string_view> listEntries(const Request& request, std::string_view name) {
  std::vector<std::string_view> entries;
  for (const auto& [key, value] : request.headers()) {
    if (key != name) continue;
    std::string_view rest = value;
    while (true) {
      auto comma = rest.find(',');
      entries.push_back(trim(rest.substr(0, comma)));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return entries;
}

// An address as proxies write it: `1.2.3.4`, `2001:db8::1`, `[2001:db8::1]:443` or
// `1.2.3.4:5678` (the port dropped). Empty when it is not an IP address.
std::string normalizedAddress(std::string_view entry) {
  if (!entry.empty() && entry.front() == '[') {
    auto close = entry.find(']');
    if (close == std::string_view::npos) return {};
    entry = entry.substr(1, close - 1);
  } else if (auto colon = entry.find(':'); colon != std::string_view::npos &&
                                           entry.find(':', colon + 1) == std::string_view::npos) {
    entry = entry.substr(0, colon);  // one colon: IPv4 with a port
  }
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(std::string(entry), ec);
  if (ec) return {};
  if (address.is_v6() && address.to_v6().is_v4_mapped())
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6())
        .to_string();
  return address.to_string();
}

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

}  // namespace

void applyForwardedHeaders(Request& request, std::size_t trustedProxyHops) {
  if (trustedProxyHops == 0) return;
  // The entry the outermost trusted proxy wrote, or the first one when the chain is
  // shorter than the trusted hops.
  auto trusted = [trustedProxyHops](const std::vector<std::string_view>& entries) {
    return entries[entries.size() >= trustedProxyHops ? entries.size() - trustedProxyHops : 0];
  };
  auto forwardedFor = listEntries(request, "x-forwarded-for");
  if (!forwardedFor.empty()) {
    if (auto address = normalizedAddress(trusted(forwardedFor)); !address.empty())
      request.setRemoteAddress(address);
  }
  // The scheme the client used with the outermost trusted proxy (a forged entry before it
  // is not taken, as for the address).
  auto forwardedProto = listEntries(request, "x-forwarded-proto");
  if (!forwardedProto.empty()) {
    auto scheme = trusted(forwardedProto);
    if (equalsIgnoringCase(scheme, "https") || equalsIgnoringCase(scheme, "wss")) {
      request.setSecure(true);
    } else if (equalsIgnoringCase(scheme, "http") || equalsIgnoringCase(scheme, "ws")) {
      request.setSecure(false);
    }
  }
}

}  // namespace sio::engine
