// Broadcast operator: chaining builds new selections; emit hands the packet to the
// adapter. A broadcast with acks completes when every server has reported its client
// count and every counted client has answered, or fails at the timeout with what came.
// The user's callbacks run through the server's handler guard when there is one; the
// token forms' cores report error codes to a Completion instead.
#include "sio/server/broadcast_operator.hpp"

#include <stdexcept>

#include "handler_guard.hpp"
#include "sio/adapter/errors.hpp"
#include "sio/adapter/pending_requests.hpp"

namespace sio {
namespace {

// The progress of one broadcast with acknowledgements.
struct AckProgress {
  bool singleResponse = false;
  Args responses;
  long expectedServers = -1;
  long reportedServers = 0;
  size_t expectedClients = 0;

  // Every server reported its client count and every counted client answered.
  bool complete() const {
    return expectedServers == reportedServers && responses.size() == expectedClients;
  }
  // Every client's response; for a single remote socket, just its response.
  Args result() {
    if (!singleResponse) return responses;
    return responses.empty() ? Args{} : Args{responses.front()};
  }
};

// One broadcast with acknowledgements: a request table of one, whose waiting timer keeps
// the collector alive as the adapter's callbacks do. Every entry point is called through
// a shared_ptr, so the collector outlives the end of its request.
class AckCollector {
 public:
  static std::shared_ptr<AckCollector> start(boost::asio::any_io_executor executor,
                                             std::chrono::milliseconds timeout, AckCallback ack,
                                             bool singleResponse) {
    auto collector = std::make_shared<AckCollector>();
    std::weak_ptr<AckCollector> weak = collector;
    auto timers = [base = asioRequestTimers(std::move(executor)), weak](
                      std::chrono::milliseconds timeout, std::function<void()> fire) {
      return base(timeout, [fire = std::move(fire), self = weak.lock()] { fire(); });
    };
    collector->request_.emplace(
        std::move(timers),
        [ack = std::move(ack)](AckProgress progress, RequestOutcome outcome, RequestProgress) {
          if (outcome == RequestOutcome::Answered) return ack(std::nullopt, progress.result());
          ack(Error{"operation has timed out", std::nullopt}, progress.result());
        });
    AckProgress progress;
    progress.singleResponse = singleResponse;
    collector->request_->add(kId, std::move(progress), std::nullopt, timeout);
    return collector;
  }

  void onClientCount(size_t clientCount) {
    if (AckProgress* progress = request_->find(kId)) {
      progress->expectedClients += clientCount;
      ++progress->reportedServers;
    }
    finishIfComplete();
  }
  void onResponse(Value response) {
    if (AckProgress* progress = request_->find(kId))
      progress->responses.push_back(std::move(response));
    finishIfComplete();
  }
  void onServerCount(size_t count) {
    if (AckProgress* progress = request_->find(kId)) progress->expectedServers = long(count);
    finishIfComplete();
  }

 private:
  static constexpr int kId = 0;
  void finishIfComplete() {
    if (AckProgress* progress = request_->find(kId); progress && progress->complete())
      request_->finish(kId);
  }

  std::optional<PendingRequests<AckProgress, int>> request_;
};

}  // namespace

BroadcastOperator::BroadcastOperator(std::shared_ptr<Adapter> adapter, RoomSet rooms,
                                     RoomSet except, BroadcastFlags flags,
                                     std::shared_ptr<HandlerGuard> guard)
    : adapter_(std::move(adapter)),
      opts_{std::move(rooms), std::move(except), flags},
      guard_(std::move(guard)) {
  if (!adapter_->hostGone()) executor_ = adapter_->nsp().executor();
}

BroadcastOperator BroadcastOperator::to(const Room& room) const {
  auto next = *this;
  next.opts_.rooms.insert(room);
  return next;
}
BroadcastOperator BroadcastOperator::to(const std::vector<Room>& rooms) const {
  auto next = *this;
  for (const auto& room : rooms) next.opts_.rooms.insert(room);
  return next;
}
BroadcastOperator BroadcastOperator::except(const Room& room) const {
  auto next = *this;
  next.opts_.except.insert(room);
  return next;
}
BroadcastOperator BroadcastOperator::except(const std::vector<Room>& rooms) const {
  auto next = *this;
  for (const auto& room : rooms) next.opts_.except.insert(room);
  return next;
}
BroadcastOperator BroadcastOperator::compress(bool compress) const {
  auto next = *this;
  next.opts_.flags.compress = compress;
  return next;
}
BroadcastOperator BroadcastOperator::volatile_() const {
  auto next = *this;
  next.opts_.flags.isVolatile = true;
  return next;
}
BroadcastOperator BroadcastOperator::local() const {
  auto next = *this;
  next.opts_.flags.local = true;
  return next;
}
BroadcastOperator BroadcastOperator::timeout(std::chrono::milliseconds timeout) const {
  auto next = *this;
  next.opts_.flags.timeout = timeout;
  return next;
}

bool BroadcastOperator::emit(const std::string& event, Args args) const {
  if (namespaceGone()) return false;
  protocol::Packet packet{protocol::PacketType::Event, "/", std::nullopt,
                          protocol::eventData(event, std::move(args))};
  adapter_->broadcast(std::move(packet), opts_);
  return true;
}

bool BroadcastOperator::emit(const std::string& event, Args args, AckCallback ack) const {
  if (namespaceGone()) {
    if (ack) ack(Error{"the adapter was closed", std::nullopt}, {});
    return false;
  }
  if (!ack) return emit(event, std::move(args));
  protocol::Packet packet{protocol::PacketType::Event, "/", std::nullopt,
                          protocol::eventData(event, std::move(args))};
  if (guard_) {
    ack = [guard = guard_, nsp = adapter_->nsp().name(), ack = std::move(ack)](
              const std::optional<Error>& error, Args responses) {
      guard->call({"", nsp, "ack"}, [&] { ack(error, std::move(responses)); });
    };
  }
  auto collector = AckCollector::start(adapter_->nsp().executor(),
                                       opts_.flags.timeout.value_or(std::chrono::milliseconds(0)),
                                       std::move(ack), opts_.flags.expectSingleResponse);
  adapter_->broadcastWithAck(
      std::move(packet), opts_,
      [collector](size_t clientCount) { collector->onClientCount(clientCount); },
      [collector](Value response) { collector->onResponse(std::move(response)); });
  adapter_->serverCount([collector](size_t count) { collector->onServerCount(count); });
  return true;
}

void BroadcastOperator::fetchSockets(FetchCallback done) const {
  if (namespaceGone()) return done({}, Error{"the adapter was closed", std::nullopt});
  adapter_->fetchSockets(
      opts_, [adapter = adapter_, guard = guard_, done](std::vector<SocketDetails> sockets,
                                                        std::optional<Error> error) {
        std::vector<RemoteSocket> remote;
        remote.reserve(sockets.size());
        for (auto& details : sockets) remote.emplace_back(adapter, std::move(details), guard);
        if (!guard) return done(std::move(remote), error);
        guard->call({"", adapter->nsp().name(), "fetchSockets"},
                    [&] { done(std::move(remote), error); });
      });
}

void BroadcastOperator::checkEvent(const std::string& event) {
  if (protocol::isReservedEventName(event))
    throw std::invalid_argument("\"" + event + "\" is a reserved event name");
}

boost::asio::any_io_executor BroadcastOperator::executor() const {
  return executor_;
}

void BroadcastOperator::startEmitWithAck(const std::string& event, Args args,
                                         Completion<Args> done) const {
  emit(event, std::move(args),
       [done = std::move(done)](const std::optional<Error>& error, Args responses) {
         done(toErrorCode(error), std::move(responses));
       });
}

void BroadcastOperator::startFetchSockets(Completion<std::vector<RemoteSocket>> done) const {
  fetchSockets([done = std::move(done)](std::vector<RemoteSocket> sockets,
                                        const std::optional<Error>& error) {
    done(toErrorCode(error), std::move(sockets));
  });
}

void BroadcastOperator::startAllSockets(Completion<std::set<SocketId>> done) const {
  if (namespaceGone()) return done(make_error_code(Errc::AdapterClosed), {});
  std::set<Room> rooms(opts_.rooms.begin(), opts_.rooms.end());
  if (!opts_.flags.local) return adapter_->requestSockets(std::move(rooms), std::move(done));
  auto ids = adapter_->sockets(opts_.rooms);
  done({}, std::set<SocketId>(ids.begin(), ids.end()));
}

void BroadcastOperator::socketsJoin(const std::vector<Room>& rooms) const {
  if (namespaceGone()) return;
  adapter_->addSockets(opts_, rooms);
}
void BroadcastOperator::socketsLeave(const std::vector<Room>& rooms) const {
  if (namespaceGone()) return;
  adapter_->delSockets(opts_, rooms);
}
void BroadcastOperator::disconnectSockets(bool close) const {
  if (namespaceGone()) return;
  adapter_->disconnectSockets(opts_, close);
}

namespace {
BroadcastFlags singleResponse() {
  BroadcastFlags flags;
  flags.expectSingleResponse = true;
  return flags;
}
}  // namespace

RemoteSocket::RemoteSocket(std::shared_ptr<Adapter> adapter, SocketDetails details,
                           std::shared_ptr<HandlerGuard> guard)
    : details_(std::move(details)),
      operator_(std::move(adapter), RoomSet{details_.id}, {}, singleResponse(), std::move(guard)) {}

}  // namespace sio
