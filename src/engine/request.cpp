// engine::Request: its text packed in one FieldList. The first pair is (method, url), the
// second (remoteAddress, peerAddress), the former left empty when it is the latter; the
// query pairs follow, then the header pairs from headersAt_ to the end. A default request
// has an empty buffer (no allocation) and reads as empty strings.
#include "sio/engine/request.hpp"

#include <stdexcept>

namespace sio::engine {
namespace {

// An offset into the buffer as the request keeps it.
std::uint32_t offset(std::size_t at) {
  if (at > UINT32_MAX) throw std::length_error("Request: 4 GiB or more of text");
  return static_cast<std::uint32_t>(at);
}

}  // namespace

Request::Request(std::string_view method, std::string_view url, std::string_view peerAddress,
                 bool secure)
    : remoteIsPeer_(true), secure_(secure) {
  fields_.emplace_back(method, url);
  fields_.emplace_back({}, peerAddress);
  headersAt_ = offset(fields_.bytes().size());
}

std::pair<std::string_view, std::string_view> Request::head() const {
  if (fields_.empty()) return {};
  return *fields_.begin();
}

std::pair<std::string_view, std::string_view> Request::addresses() const {
  if (fields_.empty()) return {};
  auto [remote, peer] = *std::next(fields_.begin());
  return {remoteIsPeer_ ? peer : remote, peer};
}

std::size_t Request::queryAt() const {
  if (fields_.empty()) return 0;
  return fields_.pairEnd(fields_.pairEnd(0));
}

FieldView Request::query() const {
  if (queryInUrl_) return FieldView::ofQuery(codec::splitTarget(url()).second);
  return fields_.view(queryAt(), headersAt_);
}

bool Request::operator==(const Request& other) const {
  return method() == other.method() && url() == other.url() &&
         remoteAddress() == other.remoteAddress() && peerAddress() == other.peerAddress() &&
         secure_ == other.secure_ && query() == other.query() && headers() == other.headers();
}

void Request::storeQuery() {
  if (!queryInUrl_) return;
  FieldList query(this->query());
  queryInUrl_ = false;
  setQuery(query);
}

void Request::setQueryFromUrl() {
  std::string_view text = codec::splitTarget(url()).second;
  if (FieldView::isPlainQuery(text)) {
    setQuery({});
    queryInUrl_ = true;
    return;
  }
  setQuery(codec::parseQuery(text));
}

std::string_view Request::path() const {
  std::string_view target = url();
  return target.substr(0, target.find('?'));
}

void Request::setHead(std::string_view method, std::string_view url, std::string_view remoteAddress,
                      std::string_view peerAddress) {
  // The client's address is kept once when it is the peer's (no proxy, or none trusted).
  bool remoteIsPeer = remoteAddress == peerAddress;
  if (remoteIsPeer) remoteAddress = {};
  FieldList head;  // built first: the arguments may be views into fields_
  head.reserve(FieldList::pairBytes(method, url) +
               FieldList::pairBytes(remoteAddress, peerAddress));
  head.emplace_back(method, url);
  head.emplace_back(remoteAddress, peerAddress);
  std::size_t oldEnd = queryAt();
  std::size_t newEnd = head.bytes().size();
  fields_.replace(0, oldEnd, head);
  headersAt_ = offset(headersAt_ - oldEnd + newEnd);
  remoteIsPeer_ = remoteIsPeer;
}

void Request::setQuery(const FieldList& query) {
  queryInUrl_ = false;
  if (fields_.empty()) setHead({}, {}, {}, {});
  std::size_t from = queryAt();
  std::uint32_t headersAt = offset(from + query.bytes().size());
  fields_.replace(from, headersAt_, query);
  headersAt_ = headersAt;
}

void Request::setUrl(std::string_view url) {
  if (queryInUrl_) {
    std::string kept(url);  // it may be a view into fields_, which storeQuery() changes
    storeQuery();
    return setUrl(kept);
  }
  setHead(method(), url, remoteAddress(), peerAddress());
}

void Request::addParam(std::string_view key, std::string_view value) {
  if (queryInUrl_) {
    std::string keptKey(key), keptValue(value);  // they may be views into fields_
    storeQuery();
    return addParam(keptKey, keptValue);
  }
  if (fields_.empty()) setHead({}, {}, {}, {});
  std::uint32_t headersAt = offset(headersAt_ + FieldList::pairBytes(key, value));
  fields_.insert(headersAt_, key, value);
  headersAt_ = headersAt;
}

void Request::setHeaders(const FieldList& headers) {
  if (fields_.empty()) setHead({}, {}, {}, {});
  fields_.replace(headersAt_, fields_.bytes().size(), headers);
}

void Request::addHeader(std::string_view name, std::string_view value) {
  if (fields_.empty()) setHead({}, {}, {}, {});
  fields_.emplace_back(name, value);
}

}  // namespace sio::engine
