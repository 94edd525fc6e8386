// The HTTP request that opened an Engine.IO session (or any request routed to it):
// method, URL (path and parsed query), headers with lower-case names, the client's and
// the TCP peer's addresses, and whether it came over TLS. A session keeps its opening
// request for as long as it lives, so all of its text is packed in one buffer (a
// FieldList: method and URL, the two addresses, the query pairs, then the header pairs),
// read through accessors that return views into it. Query pairs that read as the url
// writes them are not stored twice: they are read from the url.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sio/codec/query_string.hpp"
#include "sio/engine/field_list.hpp"

namespace sio::engine {

// Headers of a response (and extra headers handed to a transport).
using HeaderList = std::vector<std::pair<std::string, std::string>>;

class Request {
 public:
  Request() = default;
  // A request with no query or headers yet; the client's address starts as the peer's.
  Request(std::string_view method, std::string_view url, std::string_view peerAddress = {},
          bool secure = false);

  std::string_view method() const { return head().first; }  // "GET", "POST", ...
  // The request target as sent, e.g. "/engine.io/?EIO=4&transport=polling".
  std::string_view url() const { return head().second; }
  std::string_view path() const;  // the target without its query (the URL before '?')
  // Decoded parameters in order (set apart from the URL: setUrl does not change them).
  FieldView query() const;
  // Names in lower case, in the order received.
  FieldView headers() const { return fields_.view(headersAt_, fields_.bytes().size()); }
  // The client (from X-Forwarded-For with trustProxy).
  std::string_view remoteAddress() const { return addresses().first; }
  // The TCP peer: the client, or the proxy in front of it.
  std::string_view peerAddress() const { return addresses().second; }
  bool secure() const { return secure_; }  // HTTPS/WSS (from X-Forwarded-Proto with trustProxy)

  // The first value of a header (name in lower case), or nullopt.
  std::optional<std::string_view> header(std::string_view name) const {
    return headers().find(name);
  }
  // The first value of a query parameter, or nullopt.
  std::optional<std::string_view> param(std::string_view key) const { return query().find(key); }

  // Setters (each may move the buffer: views taken before are invalidated).
  void setMethod(std::string_view method) {
    setHead(method, url(), remoteAddress(), peerAddress());
  }
  void setUrl(std::string_view url);
  void setRemoteAddress(std::string_view address) {
    setHead(method(), url(), address, peerAddress());
  }
  void setPeerAddress(std::string_view address) {
    setHead(method(), url(), remoteAddress(), address);
  }
  void setSecure(bool secure) { secure_ = secure; }
  void setQuery(const FieldList& query);  // also from a codec::QueryParams or {{"k", "v"}, ...}
  void addParam(std::string_view key, std::string_view value);
  // Sets the query to the url's parameters, as codec::parseQuery reads them. When none needs
  // decoding (the usual case), they are read from the url's text rather than stored again.
  void setQueryFromUrl();
  void setHeaders(const FieldList& headers);                      // names in lower case
  void addHeader(std::string_view name, std::string_view value);  // name in lower case
  // Room for `bytes` more bytes of pairs (FieldList::pairBytes), so that a request built
  // pair by pair takes one allocation.
  void reserve(std::size_t bytes) { fields_.reserve(fields_.bytes().size() + bytes); }

  // Same method, url, addresses, security, parameters and headers (however stored).
  bool operator==(const Request& other) const;

 private:
  std::pair<std::string_view, std::string_view> head() const;
  std::pair<std::string_view, std::string_view> addresses() const;
  std::size_t queryAt() const;
  void setHead(std::string_view method, std::string_view url, std::string_view remoteAddress,
               std::string_view peerAddress);
  // Stores the parameters read from the url (before the url or the parameters change).
  void storeQuery();

  FieldList fields_;  // (method, url), (remoteAddress, peerAddress), query..., headers...
  std::uint32_t headersAt_ = 0;  // the offset of the first header pair in fields_
  bool remoteIsPeer_ = false;    // remoteAddress is peerAddress (stored once, as the latter)
  bool queryInUrl_ = false;      // the parameters are read from the url (none stored)
  bool secure_ = false;
};

}  // namespace sio::engine
