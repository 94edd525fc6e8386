// Basic auth: the session id first (through the store, which may answer later), then the
// credentials. Only plain strings travel to the worker thread and back; the socket and
// its middleware continuation stay on the server's thread, in pending_.
#include "basic_auth.hpp"

#include <unistd.h>

#include <boost/asio/post.hpp>
#include <cstdio>

#include "bcrypt.hpp"
#include "sio/server/socket.hpp"

namespace sio::admin_ui {
namespace {

// randomBytes(8).toString("hex"), as admin-ui makes session ids.
std::string newSessionId() {
  unsigned char bytes[8] = {};
  if (getentropy(bytes, sizeof(bytes)) != 0) {
    // no entropy source: refuse rather than hand out a guessable id
    return {};
  }
  char hex[sizeof(bytes) * 2 + 1];
  for (size_t i = 0; i < sizeof(bytes); ++i) std::snprintf(hex + 2 * i, 3, "%02x", bytes[i]);
  return std::string(hex, sizeof(bytes) * 2);
}

const std::string* stringMember(const Value& object, const char* key) {
  const Value* value = object.find(key);
  return value && value->isString() ? &value->asString() : nullptr;
}

Error invalidCredentials() {
  return Error{"invalid credentials", std::nullopt};
}

}  // namespace

BasicAuth::BasicAuth(boost::asio::any_io_executor executor, AdminUiBasicAuth credentials,
                     std::shared_ptr<AdminUiStore> store)
    : executor_(std::move(executor)),
      credentials_(std::move(credentials)),
      store_(std::move(store)) {}

BasicAuth::~BasicAuth() {
  worker_.stop();
  worker_.join();
}

void BasicAuth::check(Socket& socket, Next next) {
  auto keep = socket.shared_from_this();
  const std::string* sessionId = stringMember(socket.handshake().auth, "sessionId");
  if (!sessionId || sessionId->empty()) return checkCredentials(keep, std::move(next));
  store_->doesSessionExist(*sessionId, [weak = weak_from_this(), keep, next](bool exists) {
    if (exists) return next();
    if (auto self = weak.lock()) return self->checkCredentials(keep, next);
    next(invalidCredentials());
  });
}

void BasicAuth::checkCredentials(const std::shared_ptr<Socket>& socket, Next next) {
  const Value& auth = socket->handshake().auth;
  const std::string* username = stringMember(auth, "username");
  const std::string* password = stringMember(auth, "password");
  if (!username || *username != credentials_.username || !password)
    return next(invalidCredentials());
  if (pending_.size() >= kMaxPendingChecks)
    return next(Error{"too many logins in progress", std::nullopt});
  uint64_t id = nextId_++;
  pending_.emplace(id, Pending{socket, std::move(next)});
  boost::asio::post(worker_, [executor = executor_, weak = weak_from_this(), id,
                              password = *password, hash = credentials_.password] {
    bool matched = bcryptVerify(password, hash);
    boost::asio::post(executor, [weak, id, matched] {
      if (auto self = weak.lock()) self->finish(id, matched);
    });
  });
}

void BasicAuth::finish(uint64_t id, bool matched) {
  auto it = pending_.find(id);
  if (it == pending_.end()) return;
  Pending pending = std::move(it->second);
  pending_.erase(it);
  if (!matched) return pending.next(invalidCredentials());
  std::string sessionId = newSessionId();
  if (sessionId.empty()) return pending.next(Error{"no session id could be made", std::nullopt});
  store_->saveSession(sessionId);
  // before the CONNECT reply, as admin-ui does (the client hands it out once connected)
  pending.socket->emit("session", {Value(sessionId)});
  pending.next();
}

}  // namespace sio::admin_ui
