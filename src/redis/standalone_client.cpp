// The standalone client: one Connection, commands sent as they come, sendToMasters is
// the one server.
#include "standalone_client.hpp"

namespace sio::redis {
namespace {

class StandaloneClient final : public Client {
 public:
  StandaloneClient(boost::asio::any_io_executor executor, ClientOptions options,
                   ConnectionOptions connection, std::shared_ptr<Connection> link = nullptr)
      : executor_(executor),
        options_(std::move(options)),
        connectionOptions_(std::move(connection)),
        connection_(link ? std::move(link) : Connection::create(executor, connectionOptions_)) {}

  void start() override { connection_->start(); }
  void close() override { connection_->close(); }

  void send(std::string_view, Command command, ReplyHandler handler) override {
    connection_->send(std::move(command), std::move(handler));
  }

  void sendUnlessDisconnected(std::string_view, Command command, ReplyHandler handler) override {
    connection_->sendUnlessDisconnected(std::move(command), std::move(handler));
  }

  void sendToMasters(Command command, MultiHandler handler) override {
    connection_->send(std::move(command),
                      [handler = std::move(handler)](std::error_code ec, Reply reply) {
                        if (!handler) return;
                        if (ec) return handler(ec, {});
                        std::vector<Reply> replies;
                        replies.push_back(std::move(reply));
                        handler({}, std::move(replies));
                      });
  }

  std::shared_ptr<Client> duplicate() const override {
    return std::make_shared<StandaloneClient>(executor_, options_, connectionOptions_);
  }
  std::shared_ptr<Subscriber> subscriber() const override {
    return Subscriber::create(executor_, connectionOptions_);
  }

  void onState(Connection::StateHandler handler) override {
    connection_->onState(std::move(handler));
  }
  bool ready() const override { return connection_->state() == ConnectionState::Ready; }
  LinkStats linkStats() const override {
    return {connection_->reconnects(), connection_->pendingCount()};
  }
  bool isCluster() const override { return false; }

 private:
  boost::asio::any_io_executor executor_;
  ClientOptions options_;
  ConnectionOptions connectionOptions_;
  std::shared_ptr<Connection> connection_;
};

}  // namespace

std::shared_ptr<Client> createStandaloneClient(boost::asio::any_io_executor executor,
                                               ClientOptions options,
                                               ConnectionOptions connection) {
  return std::make_shared<StandaloneClient>(std::move(executor), std::move(options),
                                            std::move(connection));
}

std::shared_ptr<Client> createStandaloneClient(boost::asio::any_io_executor executor,
                                               ClientOptions options, ConnectionOptions connection,
                                               std::shared_ptr<Connection> link) {
  return std::make_shared<StandaloneClient>(std::move(executor), std::move(options),
                                            std::move(connection), std::move(link));
}

}  // namespace sio::redis
