// sio-bench: PollingClient's requests. The open packet is read with the project's JSON
// codec; everything else is handed to the caller as it came.
#include "polling_client.hpp"

#include "sio/codec/json.hpp"

namespace sio::bench {

PollingClient::PollingClient(boost::asio::io_context& io,
                             const boost::asio::ip::tcp::endpoint& endpoint, const TargetUrl& url,
                             Fail fail)
    : http_(io), endpoint_(endpoint), url_(url), fail_(std::move(fail)) {}

std::string PollingClient::target(std::string_view transport) const {
  std::string target = url_.path + "?EIO=4&transport=" + std::string(transport);
  if (!sid_.empty()) target += "&sid=" + sid_;
  return target;
}

void PollingClient::open(Body opened) {
  http_.connect(endpoint_, [this, opened = std::move(opened)](std::string_view error) mutable {
    if (!error.empty()) return fail_(error);
    get([this, opened = std::move(opened)](std::string_view body) {
      auto open = body.empty() || body[0] != '0' ? std::nullopt : codec::parseJson(body.substr(1));
      const Value* sid = open ? open->find("sid") : nullptr;
      if (!sid || !sid->isString())
        return fail_("bad open packet " + std::string(body.substr(0, 80)));
      sid_ = sid->asString();
      opened(body);
    });
  });
}

void PollingClient::get(Body next) {
  send(false, {}, std::move(next));
}

void PollingClient::post(std::string body, Body next) {
  send(true, std::move(body), std::move(next));
}

void PollingClient::send(bool post, std::string body, Body next) {
  http_.request(
      post, url_.hostHeader(), target(), std::move(body),
      [this, next = std::move(next)](std::string_view error, unsigned status,
                                     std::string_view body) {
        if (!error.empty()) return fail_(error);
        if (status != 200)
          return fail_("HTTP " + std::to_string(status) + ": " + std::string(body.substr(0, 80)));
        next(body);
      });
}

}  // namespace sio::bench
