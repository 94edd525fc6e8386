// sio-bench: the churn kinds' names and the dispatch to their makers.
#include "churn_session.hpp"

#include <array>
#include <optional>

namespace sio::bench {

namespace {

constexpr std::array<std::pair<ChurnKind, std::string_view>, 5> kNames{{
    {ChurnKind::Handshake, "handshake"},
    {ChurnKind::UpgradeCut, "upgrade-cut"},
    {ChurnKind::Vanish, "vanish"},
    {ChurnKind::PollingTimeout, "polling-timeout"},
    {ChurnKind::Rooms, "rooms"},
}};

}  // namespace

const std::vector<ChurnKind>& allChurnKinds() {
  static const std::vector<ChurnKind> kinds = [] {
    std::vector<ChurnKind> all;
    for (const auto& [kind, name] : kNames) all.push_back(kind);
    return all;
  }();
  return kinds;
}

std::string_view churnKindName(ChurnKind kind) {
  for (const auto& [k, name] : kNames)
    if (k == kind) return name;
  return "?";
}

std::optional<ChurnKind> churnKindNamed(std::string_view name) {
  for (const auto& [kind, n] : kNames)
    if (n == name) return kind;
  return std::nullopt;
}

std::unique_ptr<ChurnSession> makeChurnSession(ChurnKind kind, uint64_t index,
                                               boost::asio::io_context& io,
                                               const boost::asio::ip::tcp::endpoint& endpoint,
                                               const TargetUrl& url, ChurnSession::Done done) {
  switch (kind) {
    case ChurnKind::Handshake:
      return makeHandshakeSession(index, io, endpoint, url, std::move(done));
    case ChurnKind::UpgradeCut:
      return makeUpgradeCutSession(index, io, endpoint, url, std::move(done));
    case ChurnKind::Vanish:
      return makeVanishSession(index, io, endpoint, url, std::move(done));
    case ChurnKind::PollingTimeout:
      return makePollingTimeoutSession(io, endpoint, url, std::move(done));
    case ChurnKind::Rooms:
      return makeRoomsSession(io, endpoint, url, std::move(done));
  }
  return nullptr;
}

}  // namespace sio::bench
