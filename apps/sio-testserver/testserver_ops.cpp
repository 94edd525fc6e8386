// The op table of sio-testserver: request validation, the selector
// (nsp.to(rooms).except(except) with local/volatile/compress), and one small handler per
// op. Results and errors have exactly the shapes of the contract (and of the Node twin).
#include "testserver_ops.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <utility>

#include <boost/asio/steady_timer.hpp>

#include "sio/adapters/redis_adapter.hpp"

namespace sio::testserver {
namespace {

using std::chrono::milliseconds;

struct OpError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

using Done = std::function<void(std::optional<std::string> error, Value result)>;

struct Request {
  const Value& body;
  Namespace& nsp;
  const std::shared_ptr<Socket>& socket;
  const std::shared_ptr<NodeState>& node;

  std::vector<std::string> strings(const char* field) const {
    std::vector<std::string> items;
    const Value* value = body.find(field);
    if (!value) return items;
    if (!value->isArray()) throw OpError(std::string(field) + " must be an array of strings");
    for (const auto& item : value->asArray()) {
      if (!item.isString()) throw OpError(std::string(field) + " must be an array of strings");
      items.push_back(item.asString());
    }
    return items;
  }
  std::string event() const {
    const Value* value = body.find("event");
    if (!value || !value->isString()) throw OpError("event must be a string");
    return value->asString();
  }
  Args args() const {
    const Value* value = body.find("args");
    if (!value) return {};
    if (!value->isArray()) throw OpError("args must be an array");
    return value->asArray();
  }
  milliseconds timeout() const {
    const Value* value = body.find("timeout");
    if (!value) return milliseconds(5000);
    if (!value->isInt() || value->asInt() < 0)
      throw OpError("timeout must be a non-negative integer");
    return milliseconds(value->asInt());
  }
  bool flag(const char* field) const {
    const Value* value = body.find(field);
    return value && value->isBool() && value->asBool();
  }
  BroadcastOperator select() const {
    auto selection = nsp.to(strings("rooms")).except(strings("except"));
    if (flag("local")) selection = selection.local();
    if (flag("volatile")) selection = selection.volatile_();
    if (const Value* compress = body.find("compress"))
      selection = selection.compress(compress->isBool() && compress->asBool());
    return selection;
  }
};

Value sortedStrings(std::vector<std::string> items) {
  std::sort(items.begin(), items.end());
  Value::Array out(items.begin(), items.end());
  return Value(std::move(out));
}

Value roomsOf(const Socket& socket) {
  return sortedStrings(socket.rooms().items());
}

// Forwards an ack callback's outcome to the op's answer.
AckCallback answerWith(Done done, std::function<Value(Args)> shape) {
  return [done, shape](const std::optional<Error>& error, Args args) {
    if (error) return done(error->message, Value());
    done(std::nullopt, shape(std::move(args)));
  };
}

Value firstOrNull(Args args) {
  return args.empty() ? Value() : std::move(args[0]);
}

using Handler = std::function<void(const Request&, Done)>;

const std::map<std::string, Handler>& handlers() {
  static const std::map<std::string, Handler> table = {
      {"join",
       [](const Request& r, Done done) {
         r.socket->join(r.strings("rooms"));
         done(std::nullopt, Value());
       }},
      {"leave",
       [](const Request& r, Done done) {
         for (const auto& room : r.strings("rooms")) r.socket->leave(room);
         done(std::nullopt, Value());
       }},
      {"emit",
       [](const Request& r, Done done) {
         r.select().emit(r.event(), r.args());
         done(std::nullopt, Value());
       }},
      {"emitWithAck",
       [](const Request& r, Done done) {
         r.select()
             .timeout(r.timeout())
             .emit(r.event(), r.args(), answerWith(done, [](Args responses) {
                     return Value(Value::Array(std::move(responses)));
                   }));
       }},
      {"socketEmitWithAck",
       [](const Request& r, Done done) {
         const Value* target = r.body.find("target");
         if (!target || !target->isString()) throw OpError("target must be a socket id");
         std::string id = target->asString();
         auto event = r.event();
         auto args = r.args();
         auto it = r.nsp.sockets().find(id);
         if (it != r.nsp.sockets().end()) {
           (*it)->timeout(r.timeout()).emit(event, std::move(args), answerWith(done, firstOrNull));
           return;
         }
         // Elsewhere in the cluster: the socket id is also a room.
         r.nsp.in(id)
             .timeout(r.timeout())
             .emit(event, std::move(args),
                   [done, id](const std::optional<Error>& error, Args responses) {
                     if (error) return done(error->message, Value());
                     if (responses.empty()) return done("socket " + id + " not found", Value());
                     done(std::nullopt, std::move(responses[0]));
                   });
       }},
      {"socketsJoin",
       [](const Request& r, Done done) {
         r.select().socketsJoin(r.strings("target"));
         done(std::nullopt, Value());
       }},
      {"socketsLeave",
       [](const Request& r, Done done) {
         r.select().socketsLeave(r.strings("target"));
         done(std::nullopt, Value());
       }},
      {"disconnectSockets",
       [](const Request& r, Done done) {
         r.select().disconnectSockets(r.flag("close"));
         done(std::nullopt, Value());
       }},
      {"fetchSockets",
       [](const Request& r, Done done) {
         r.select().fetchSockets([done](std::vector<RemoteSocket> sockets,
                                        const std::optional<Error>& error) {
           if (error) return done(error->message, Value());
           std::sort(sockets.begin(), sockets.end(),
                     [](const RemoteSocket& a, const RemoteSocket& b) { return a.id() < b.id(); });
           Value::Array out;
           for (const auto& socket : sockets) {
             const Value* server = socket.data().find("server");
             out.push_back(Value::object({{"id", socket.id()},
                                          {"rooms", sortedStrings(socket.rooms())},
                                          {"data", socket.data()},
                                          {"server", server ? *server : Value()}}));
           }
           done(std::nullopt, Value(std::move(out)));
         });
       }},
      {"serverSideEmit",
       [](const Request& r, Done done) {
         auto event = r.event();
         bool withAck = r.flag("ack");
         if (!withAck) {
           r.nsp.serverSideEmit(event, r.args());
           return done(std::nullopt, Value());
         }
         // the adapter has its own timeout (requestsTimeout); `timeout` may cut it shorter,
         // as with the twin
         auto answered = std::make_shared<bool>(false);
         auto timer = std::make_shared<boost::asio::steady_timer>(r.nsp.executor(), r.timeout());
         Done once = [done, answered, timer](std::optional<std::string> error, Value result) {
           if (std::exchange(*answered, true)) return;
           timer->cancel();
           done(std::move(error), std::move(result));
         };
         timer->async_wait([once](boost::system::error_code ec) {
           if (!ec) once("operation has timed out", Value());
         });
         r.nsp.serverSideEmit(event, r.args(), answerWith(once, [](Args responses) {
                                return Value(Value::Array(std::move(responses)));
                              }));
       }},
      {"serverCount",
       [](const Request& r, Done done) {
         r.nsp.adapter().serverCount([done](size_t count) { done(std::nullopt, Value(count)); });
       }},
      {"allRooms",
       [](const Request& r, Done done) {
         auto* classic = dynamic_cast<adapters::RedisAdapterApi*>(&r.nsp.adapter());
         if (!classic) return done("not supported", Value());
         classic->allRooms([done](std::set<Room> rooms, std::optional<Error> error) {
           if (error) return done(error->message, Value());
           done(std::nullopt, Value(Value::Array(rooms.begin(), rooms.end())));
         });
       }},
      {"setData",
       [](const Request& r, Done done) {
         const Value* data = r.body.find("data");
         if (!data || !data->isObject()) throw OpError("data must be an object");
         Value& socketData = r.socket->data();
         if (!socketData.isObject()) socketData = Value::object();
         const Value* server = socketData.find("server");
         Value keep = server ? *server : Value();
         for (const auto& [key, value] : data->asObject()) socketData.set(key, value);
         socketData.set("server", keep);
         done(std::nullopt, Value());
       }},
      {"received", [](const Request& r,
                      Done done) { done(std::nullopt, Value(Value::Array(r.node->received))); }},
      {"whoami",
       [](const Request& r, Done done) {
         const Value* server = r.socket->data().find("server");
         done(std::nullopt, Value::object({{"id", r.socket->id()},
                                           {"server", server ? *server : Value()},
                                           {"recovered", r.socket->recovered()},
                                           {"rooms", roomsOf(*r.socket)}}));
       }},
      {"handshake",
       [](const Request& r, Done done) {
         const auto& handshake = r.socket->handshake();
         done(std::nullopt,
              Value::object({{"address", handshake.address()}, {"secure", handshake.secure()}}));
       }},
  };
  return table;
}

}  // namespace

void runOp(const std::shared_ptr<NodeState>& node, Namespace& nsp,
           const std::shared_ptr<Socket>& socket, const Value& request,
           std::function<void(Value)> reply) {
  Done done = [reply](std::optional<std::string> error, Value result) {
    Value::Object answer;  // built in place: an initializer list would copy the result
    answer.reserve(2);
    answer.emplace_back("ok", !error);
    if (error)
      answer.emplace_back("error", std::move(*error));
    else
      answer.emplace_back("result", std::move(result));
    reply(Value(std::move(answer)));
  };
  try {
    if (!request.isObject()) throw OpError("the request must be an object");
    const Value* op = request.find("op");
    auto it = op && op->isString() ? handlers().find(op->asString()) : handlers().end();
    if (it == handlers().end())
      throw OpError("unknown op " + (op && op->isString() ? "\"" + op->asString() + "\""
                                                          : std::string("undefined")));
    it->second(Request{request, nsp, socket, node}, done);
  } catch (const std::exception& error) {
    done(error.what(), Value());
  }
}

}  // namespace sio::testserver
