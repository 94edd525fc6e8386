// Name/value pairs packed in one buffer: the headers and the query parameters of a request
// that a session keeps for as long as it lives. Each pair is stored as two lengths (one byte
// each below 128) and the bytes of both strings (a common header name as a one-byte code
// instead), so a request's dozen headers cost one allocation instead of a vector plus a
// string per long name or value. Iterating yields string_view pairs in the order they were
// added; a name may repeat. A FieldView is a run of those pairs inside a buffer (all of a
// FieldList, or a part of one, as engine::Request hands them out), or the parameters of a
// query string that reads as it is written.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace sio::engine {

class FieldView {
 public:
  using value_type = std::pair<std::string_view, std::string_view>;

  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = FieldView::value_type;
    using difference_type = std::ptrdiff_t;
    using reference = value_type;
    using pointer = void;

    const_iterator() = default;
    value_type operator*() const;
    const_iterator& operator++();
    const_iterator operator++(int) {
      const_iterator before = *this;
      ++*this;
      return before;
    }
    bool operator==(const const_iterator& other) const { return at_ == other.at_; }

   private:
    friend class FieldView;
    const_iterator(const char* at, const char* end, bool queryText)
        : at_(at), end_(end), queryText_(queryText) {}
    const char* at_ = nullptr;
    const char* end_ = nullptr;  // of the text (query text only)
    bool queryText_ = false;
  };
  using iterator = const_iterator;

  FieldView() = default;
  // The pairs packed in `bytes` (as FieldList stores them).
  explicit FieldView(std::string_view bytes) : bytes_(bytes) {}
  // The parameters of a query string (`a=1&b=2`, without the `?`) that needs no decoding
  // (no `%` and no `+`: see isPlainQuery), read from the text itself.
  static FieldView ofQuery(std::string_view query) { return FieldView(query, true); }
  // Whether every name and value of `query` reads as it is written.
  static bool isPlainQuery(std::string_view query) {
    return query.find_first_of("%+") == std::string_view::npos;
  }

  const_iterator begin() const;
  const_iterator end() const { return {bytes_.data() + bytes_.size(), nullptr, queryText_}; }
  bool empty() const { return begin() == end(); }
  std::size_t size() const;  // counts (walks the pairs)
  // The value of the first pair named `name`, or nullopt.
  std::optional<std::string_view> find(std::string_view name) const;
  // The pairs in FieldList's packed form (query text is packed into `out`).
  std::string_view packed(std::string& out) const;

  // Same pairs in the same order.
  friend bool operator==(FieldView a, FieldView b);

 private:
  FieldView(std::string_view text, bool queryText) : bytes_(text), queryText_(queryText) {}

  std::string_view bytes_;  // packed pairs, or query text
  bool queryText_ = false;
};

class FieldList {
 public:
  using value_type = FieldView::value_type;
  using const_iterator = FieldView::const_iterator;
  using iterator = const_iterator;

  FieldList() = default;
  FieldList(std::initializer_list<value_type> fields) {
    for (const auto& [name, value] : fields) emplace_back(name, value);
  }
  // From any range of pairs of strings (a codec::QueryParams, an engine::HeaderList, ...).
  template <class Range,
            class = decltype(std::string_view(std::begin(std::declval<const Range&>())->first))>
  FieldList(const Range& fields) {  // NOLINT(google-explicit-constructor): a drop-in for vectors
    for (const auto& [name, value] : fields) emplace_back(name, value);
  }
  explicit FieldList(FieldView fields) {
    std::string scratch;
    bytes_ = fields.packed(scratch);
  }

  void emplace_back(std::string_view name, std::string_view value);
  template <class Pair>
  void push_back(const Pair& field) {
    emplace_back(field.first, field.second);
  }

  const_iterator begin() const { return view().begin(); }
  const_iterator end() const { return view().end(); }
  bool empty() const { return bytes_.empty(); }
  std::size_t size() const { return view().size(); }
  void clear() { std::string().swap(bytes_); }
  // The value of the first pair named `name`, or nullopt.
  std::optional<std::string_view> find(std::string_view name) const { return view().find(name); }
  // Gives back the room left over by appending (a list about to be kept).
  void shrink_to_fit() { bytes_.shrink_to_fit(); }
  // Room for `bytes` bytes in all (see pairBytes), so that appending does not reallocate.
  void reserve(std::size_t bytes) { bytes_.reserve(bytes); }
  // The bytes one pair takes.
  static std::size_t pairBytes(std::string_view name, std::string_view value);

  FieldView view() const { return FieldView(bytes_); }
  operator FieldView() const { return view(); }  // NOLINT(google-explicit-constructor)

  // By byte offsets into the buffer (offsets of pair boundaries, as bytes().size() and
  // pairEnd() give them), for a list that keeps runs of pairs side by side (engine::Request):
  std::string_view bytes() const { return bytes_; }
  // The offset just past the pair that starts at `at`.
  std::size_t pairEnd(std::size_t at) const;
  // The pairs between two offsets.
  FieldView view(std::size_t from, std::size_t to) const {
    return FieldView(std::string_view(bytes_).substr(from, to - from));
  }
  // Replaces the pairs between two offsets with `fields` (which must not point into this list).
  void replace(std::size_t from, std::size_t to, FieldView fields) {
    std::string scratch;
    bytes_.replace(from, to - from, fields.packed(scratch));
  }
  // Inserts one pair at an offset.
  void insert(std::size_t at, std::string_view name, std::string_view value);

  bool operator==(const FieldList&) const = default;

 private:
  std::string bytes_;  // per pair: name length, value length (varints), name, value
};

}  // namespace sio::engine
