// The I/O of exactly-once, in-order XADDs (see stream_publisher.hpp): it carries out what
// the PublishLedger asks (XADD items, XRANGE the stream back) and reports the answers.
#include "stream_publisher.hpp"

namespace sio::adapters::streams {
namespace {

constexpr auto kReadBackRetry = std::chrono::milliseconds(200);

}  // namespace

StreamPublisher::StreamPublisher(std::shared_ptr<redis::Client> client,
                                 boost::asio::any_io_executor executor, std::string stream,
                                 std::string uid, int64_t maxLen)
    : client_(std::move(client)),
      retryTimer_(executor),
      stream_(stream),
      maxLen_(maxLen),
      ledger_(std::move(stream), std::move(uid)) {}

void StreamPublisher::publish(std::vector<std::string> fields, Done done) {
  run(ledger_.publish(std::move(fields), std::move(done)));
}

void StreamPublisher::run(PublishLedger::Actions actions) {
  for (const auto& item : actions.write) write(item);
  if (actions.readBack) readBack();
}

void StreamPublisher::write(const PublishLedger::ItemPtr& item) {
  // The item keeps its fields: an XADD that may not have run is written again from them.
  size_t bytes = stream_.size() + 32;
  for (const auto& field : item->fields) bytes += field.size();
  redis::Command xadd;
  xadd.reserve(6 + item->fields.size(), bytes);  // the whole command in one allocation
  xadd.push("XADD").push(stream_).push("MAXLEN").push("~").push(maxLen_).push("*");
  for (const auto& field : item->fields) xadd.push(field);
  client_->sendUnlessDisconnected(
      stream_, std::move(xadd),
      [weak = weak_from_this(), item](std::error_code ec, redis::Reply reply) {
        auto self = weak.lock();
        if (!self) return;
        if (!ec && !reply.isText()) ec = make_error_code(redis::Errc::ServerError);
        self->run(self->ledger_.onAnswer(item, ec, ec ? std::string() : std::move(reply.str)));
      });
}

// Retried until the stream can be read (or the client is closed).
void StreamPublisher::readBack() {
  client_->send(stream_, redis::Command{"XRANGE", stream_, ledger_.readBackFrom(), "+"},
                [weak = weak_from_this()](std::error_code ec, redis::Reply reply) {
                  auto self = weak.lock();
                  if (!self) return;
                  if (!ec && !reply.isError())
                    return self->run(self->ledger_.onReadBack(parseEntries(std::move(reply))));
                  if (ec == redis::Errc::Closed) return;
                  self->retryTimer_.expires_after(kReadBackRetry);
                  self->retryTimer_.async_wait(
                      [weak = self->weak_from_this()](const boost::system::error_code& error) {
                        if (auto again = weak.lock(); again && !error) again->readBack();
                      });
                });
}

}  // namespace sio::adapters::streams
