// How cluster messages look on Redis for the Streams adapter: stream entries (fields uid,
// nsp, type as a decimal string, data as JSON or base64-msgpack — spec §1.6), pub/sub
// payloads (the whole message as one msgpack map — §1.7), and CSR session blobs
// (base64-msgpack {sid, pid, rooms, data} — §3.2). Decoders never trust their input.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sio/adapter/cluster_message.hpp"
#include "sio/adapter/session.hpp"

namespace sio::adapters::streams {

// The field/value pairs of XADD, in Node's order: uid, nsp, type[, data].
std::vector<std::string> encodeStreamEntry(const ClusterMessage& message, bool onlyPlaintext);

// An entry read back (XREAD / XRANGE field list). nullopt when it is not a usable message
// (no nsp, no uid, a type that is not a number, data that does not decode). The uid and
// nsp strings are moved out of `fields` (pass an rvalue to avoid copying the list).
std::optional<ClusterMessage> decodeStreamEntry(std::vector<std::string> fields,
                                                std::string* problem = nullptr);

std::string encodePubSubMessage(const ClusterMessage& message);
std::optional<ClusterMessage> decodePubSubMessage(std::string_view payload,
                                                  std::string* problem = nullptr);

std::string encodeSessionBlob(const SessionToPersist& session);
std::optional<SessionToPersist> decodeSessionBlob(std::string_view blob);

// True for the message types whose data may be sent as msgpack in a stream entry.
bool mayCarryBinary(MessageType type);

}  // namespace sio::adapters::streams
