// Differential check of the msgpack parser (sio/protocol/msgpack_packet.hpp) against the real
// socket.io-msgpack-parser: reads the vectors of gen-packet-vectors.mjs and verifies that
// - E: encodeMsgpackPacket gives exactly the npm encoder's bytes for socket.io's packets, and
//   decodeMsgpackPacket of them gives the packet the npm decoder gave;
// - C: the packets socket.io-client writes decode to what the npm decoder gave;
// - M: a mutated encoding the npm decoder refuses is refused, and one both accept has the
//   same type, namespace and id (the C++ decoder may refuse more: it is stricter by design).
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "sio/codec/json.hpp"
#include "sio/protocol/msgpack_packet.hpp"
#include "tagged_values.hpp"

using namespace vectors;
using sio::protocol::DecodeError;
using sio::protocol::Packet;
using sio::protocol::PacketType;

namespace {

// {type, nsp, id?, data?} as gen-packet-vectors.mjs writes it, JS numbers normalised.
Value fieldsValue(const std::string& json) {
  auto parsed = sio::codec::parseJson(json, nullptr, {.maxDepth = 1000});
  return parsed ? normalize(untag(*parsed)) : Value("<bad JSON>");
}

Value fieldsOf(const Packet& packet) {
  Value out = Value::object({{"type", int64_t(packet.type)}, {"nsp", packet.nsp}});
  if (packet.id) out.set("id", int64_t(*packet.id));
  if (packet.data) out.set("data", *packet.data);
  return normalize(out);
}

Packet packetOf(const Value& fields) {
  Packet packet;
  packet.type = PacketType(fields.find("type")->asInt());
  packet.nsp = fields.find("nsp")->asString();
  if (const Value* id = fields.find("id")) packet.id = uint64_t(id->asInt());
  if (const Value* data = fields.find("data")) packet.data = *data;
  return packet;
}

// The string a JS decoder makes of `bytes`: each invalid UTF-8 sequence (its maximal
// valid prefix, as the WHATWG decoder that Buffer#toString follows) becomes U+FFFD.
std::string asJsString(std::string_view bytes) {
  static const std::string kReplacement = "\xef\xbf\xbd";
  std::string out;
  size_t needed = 0, seen = 0, start = 0;
  unsigned lower = 0x80, upper = 0xbf;
  for (size_t i = 0; i < bytes.size(); ++i) {
    unsigned b = uint8_t(bytes[i]);
    if (needed == 0) {
      start = i;
      if (b <= 0x7f) {
        out.push_back(char(b));
      } else if (b >= 0xc2 && b <= 0xdf) {
        needed = 1;
      } else if (b >= 0xe0 && b <= 0xef) {
        lower = b == 0xe0 ? 0xa0 : 0x80;
        upper = b == 0xed ? 0x9f : 0xbf;
        needed = 2;
      } else if (b >= 0xf0 && b <= 0xf4) {
        lower = b == 0xf0 ? 0x90 : 0x80;
        upper = b == 0xf4 ? 0x8f : 0xbf;
        needed = 3;
      } else {
        out += kReplacement;
      }
      continue;
    }
    if (b < lower || b > upper) {
      needed = seen = 0;
      lower = 0x80, upper = 0xbf;
      out += kReplacement;
      --i;  // this byte starts afresh
      continue;
    }
    lower = 0x80, upper = 0xbf;
    if (++seen == needed) {
      out.append(bytes.substr(start, i + 1 - start));
      needed = seen = 0;
    }
  }
  if (needed) out += kReplacement;
  return out;
}

const Packet* decoded(const std::variant<Packet, DecodeError>& result) {
  return std::get_if<Packet>(&result);
}

std::string errorOf(const std::variant<Packet, DecodeError>& result) {
  auto* error = std::get_if<DecodeError>(&result);
  return error ? error->message : "no error";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: msgpack-packet-diff-check <vectors-file>\n";
    return 2;
  }
  std::ifstream in(argv[1]);
  if (!in) {
    std::cerr << "cannot read " << argv[1] << "\n";
    return 2;
  }
  size_t encodes = 0, decodes = 0, mutations = 0, bothRefuse = 0, bothAccept = 0, stricter = 0;
  size_t failures = 0;
  auto fail = [&](size_t line, const std::string& what, const std::string& detail) {
    if (++failures <= 20)
      std::cerr << "line " << line << ": " << what << "\n  " << brief(detail) << "\n";
  };
  std::string text;
  for (size_t lineNo = 1; std::getline(in, text); ++lineNo) {
    std::vector<std::string> f;
    for (size_t start = 0;;) {
      size_t tab = text.find('\t', start);
      f.push_back(text.substr(start, tab - start));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    if (f[0] == "E" && f.size() == 4) {
      ++encodes;
      const Value fields = untag(*sio::codec::parseJson(f[1], nullptr, {.maxDepth = 1000}));
      if (std::string got = toHex(sio::protocol::encodeMsgpackPacket(packetOf(fields)));
          got != f[2])
        fail(lineNo, "encode", f[1] + "\n  want " + brief(f[2]) + "\n  got  " + got);
      auto result = sio::protocol::decodeMsgpackPacket(fromHex(f[2]));
      if (!decoded(result))
        fail(lineNo, "decode of the npm encoding refused: " + errorOf(result), f[2]);
      else if (!same(fieldsOf(*decoded(result)), fieldsValue(f[3])))
        fail(lineNo, "decode of the npm encoding", f[2] + " want " + f[3]);
    } else if (f[0] == "C" && f.size() == 3) {
      ++decodes;
      auto result = sio::protocol::decodeMsgpackPacket(fromHex(f[1]));
      if (!decoded(result))
        fail(lineNo, "decode of a client's packet refused: " + errorOf(result), f[1]);
      else if (!same(fieldsOf(*decoded(result)), fieldsValue(f[2])))
        fail(lineNo, "decode of a client's packet", f[1] + " want " + f[2]);
    } else if (f[0] == "M" && f.size() == 3) {
      ++mutations;
      auto result = sio::protocol::decodeMsgpackPacket(fromHex(f[1]));
      const Packet* packet = decoded(result);
      if (f[2] == "refused") {
        if (packet)
          fail(lineNo, "accepted what socket.io-msgpack-parser refuses",
               f[1] + " -> " + sio::codec::toJson(fieldsOf(*packet)));
        else
          ++bothRefuse;
      } else if (!packet) {
        ++stricter;
      } else {
        ++bothAccept;
        Value want = fieldsValue(f[2]);
        Packet seen = *packet;
        seen.nsp = asJsString(seen.nsp);  // a mutation may have broken its UTF-8
        Value got = fieldsOf(seen);
        for (const char* key : {"type", "nsp", "id"}) {
          const Value* a = got.find(key);
          const Value* b = want.find(key);
          if (!a != !b || (a && !same(*a, *b)))
            fail(lineNo, std::string("mutation: another ") + key, f[1] + " want " + f[2]);
        }
      }
    } else {
      fail(lineNo, "malformed line", text);
    }
  }
  std::printf(
      "msgpack-packet-diff-check: %zu encodes, %zu client decodes, %zu mutations (%zu refused "
      "by both, %zu accepted by both, %zu refused only here), %zu failures\n",
      encodes, decodes, mutations, bothRefuse, bothAccept, stricter, failures);
  return failures == 0 && encodes > 0 && decodes > 0 && mutations > 0 ? 0 : 1;
}
