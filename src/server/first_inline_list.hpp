// A short list, in insertion order, whose first element is held inline: a client's sockets
// (one per namespace joined, nearly always just one) cost no allocation of their own. The
// elements after the first go to a vector allocated when a second one comes. The elements
// are pointers (smart or plain) and never null: a null first one means an empty list.
#pragma once

#include <memory>
#include <utility>
#include <vector>

namespace sio {

template <class T>
class FirstInlineList {
 public:
  bool empty() const { return !first_; }
  std::size_t size() const { return first_ ? 1 + (more_ ? more_->size() : 0) : 0; }

  void push_back(T value) {
    if (!first_) {
      first_ = std::move(value);
      return;
    }
    if (!more_) more_ = std::make_unique<std::vector<T>>();
    more_->push_back(std::move(value));
  }

  // The first element that satisfies `pred` (null: none).
  template <class Pred>
  T* findIf(const Pred& pred) {
    if (!first_) return nullptr;
    if (pred(first_)) return &first_;
    if (more_)
      for (auto& value : *more_)
        if (pred(value)) return &value;
    return nullptr;
  }

  // Removes the element at `at` (from findIf); the others keep their order.
  void erase(T* at) {
    if (at == &first_) {
      if (more_ && !more_->empty()) {
        first_ = std::move(more_->front());
        more_->erase(more_->begin());
      } else {
        first_ = T();
      }
    } else if (more_) {
      more_->erase(more_->begin() + (at - more_->data()));
    }
    if (more_ && more_->empty()) more_.reset();
  }

  // The elements, in order (a copy: what is called with them may change the list).
  std::vector<T> snapshot() const {
    std::vector<T> all;
    if (!first_) return all;
    all.reserve(size());
    all.push_back(first_);
    if (more_) all.insert(all.end(), more_->begin(), more_->end());
    return all;
  }

  // Empties the list and returns what it held, in order.
  std::vector<T> takeAll() {
    std::vector<T> all;
    if (!first_) return all;
    all.reserve(size());
    all.push_back(std::exchange(first_, T()));
    if (more_) {
      for (auto& value : *more_) all.push_back(std::move(value));
      more_.reset();
    }
    return all;
  }

 private:
  T first_{};
  std::unique_ptr<std::vector<T>> more_;
};

}  // namespace sio
