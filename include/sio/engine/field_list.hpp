// Name/value pairs packed in one buffer: the headers and the query parameters of a request
// that a session keeps for as long as it lives. Each pair is stored as two lengths and the
// bytes of both strings, so a request's dozen headers cost one allocation instead of a
// vector plus a string per long name or value. Iterating yields string_view pairs in the
// order they were added; a name may repeat.
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

class FieldList {
 public:
  using value_type = std::pair<std::string_view, std::string_view>;

  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = FieldList::value_type;
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
    bool operator==(const const_iterator&) const = default;

   private:
    friend class FieldList;
    explicit const_iterator(const char* at) : at_(at) {}
    const char* at_ = nullptr;
  };
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

  void emplace_back(std::string_view name, std::string_view value);
  template <class Pair>
  void push_back(const Pair& field) {
    emplace_back(field.first, field.second);
  }

  const_iterator begin() const { return const_iterator(bytes_.data()); }
  const_iterator end() const { return const_iterator(bytes_.data() + bytes_.size()); }
  bool empty() const { return bytes_.empty(); }
  std::size_t size() const;  // counts (walks the pairs)
  void clear() { std::string().swap(bytes_); }
  // The value of the first pair named `name`, or nullopt.
  std::optional<std::string_view> find(std::string_view name) const;
  // Gives back the room left over by appending (a list about to be kept).
  void shrink_to_fit() { bytes_.shrink_to_fit(); }

  bool operator==(const FieldList&) const = default;

 private:
  std::string bytes_;  // per pair: name length, value length (uint32_t each), name, value
};

}  // namespace sio::engine
