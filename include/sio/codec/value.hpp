// The value type of event arguments, acks and handshake data: what a JS value can be on
// the wire. null, bool, integer and double (kept apart, as JSON text keeps them apart),
// string (UTF-8), binary (a JS Buffer; allowed at any depth), array, and object with its
// key order preserved. Binary payloads are shared, immutable bytes, so a broadcast never
// copies them.
//
//   sio::Value v = sio::Value::object({{"name", "ada"}, {"tags", sio::Value::array({1, 2.5})}});
//   v["avatar"] = sio::Value::binary(bytes);
//   if (const sio::Value* name = v.find("name"); name && name->isString()) use(name->asString());
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace sio {

// Immutable shared bytes (a JS Buffer / ArrayBuffer).
class Binary {
 public:
  Binary() : bytes_(std::make_shared<const std::string>()) {}
  explicit Binary(std::string bytes)
      : bytes_(std::make_shared<const std::string>(std::move(bytes))) {}
  explicit Binary(std::shared_ptr<const std::string> bytes)
      : bytes_(bytes ? std::move(bytes) : std::make_shared<const std::string>()) {}

  std::string_view view() const { return *bytes_; }
  size_t size() const { return bytes_->size(); }
  const std::shared_ptr<const std::string>& shared() const { return bytes_; }
  bool operator==(const Binary& other) const { return view() == other.view(); }

 private:
  std::shared_ptr<const std::string> bytes_;
};

class Value {
 public:
  enum class Type { Null, Bool, Int, Double, String, Binary, Array, Object };
  using Array = std::vector<Value>;
  using Member = std::pair<std::string, Value>;
  using Object = std::vector<Member>;  // insertion order; keys unique

  Value() = default;
  Value(std::nullptr_t) {}
  Value(bool b) : data_(b) {}
  // Integers are kept exactly as Int (int64_t). An unsigned value above INT64_MAX does not
  // fit: it becomes the nearest Double, as JSON.parse would read its digits, so it loses
  // precision (2^64 - 1 reads back as 18446744073709551616). JS numbers are doubles: a JS
  // peer reads any integer above 2^53 (Number.MAX_SAFE_INTEGER) with the same loss, Ints
  // included; send larger ids as strings.
  template <class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  Value(T n) {
    if constexpr (std::is_unsigned_v<T> && sizeof(T) >= sizeof(int64_t)) {
      if (n > static_cast<uint64_t>(INT64_MAX)) {
        data_ = static_cast<double>(n);
        return;
      }
    }
    data_ = static_cast<int64_t>(n);
  }
  Value(double d) : data_(d) {}
  Value(float f) : data_(static_cast<double>(f)) {}
  Value(const char* s) : data_(std::string(s)) {}
  Value(std::string s) : data_(std::move(s)) {}
  Value(std::string_view s) : data_(std::string(s)) {}
  Value(Binary b) : data_(std::move(b)) {}
  Value(Array a) : data_(std::move(a)) {}
  Value(Object o) : data_(std::move(o)) {}

  static Value array(std::initializer_list<Value> items = {}) { return Value(Array(items)); }
  static Value object(std::initializer_list<Member> members = {});
  static Value binary(std::string_view bytes) { return Value(Binary(std::string(bytes))); }

  Type type() const { return static_cast<Type>(data_.index()); }
  bool isNull() const { return type() == Type::Null; }
  bool isBool() const { return type() == Type::Bool; }
  bool isInt() const { return type() == Type::Int; }
  bool isDouble() const { return type() == Type::Double; }
  bool isNumber() const { return isInt() || isDouble(); }
  bool isString() const { return type() == Type::String; }
  bool isBinary() const { return type() == Type::Binary; }
  bool isArray() const { return type() == Type::Array; }
  bool isObject() const { return type() == Type::Object; }

  // Accessors throw std::bad_variant_access on the wrong type (asDouble accepts Int).
  bool asBool() const { return std::get<bool>(data_); }
  int64_t asInt() const { return std::get<int64_t>(data_); }
  double asDouble() const { return isInt() ? double(asInt()) : std::get<double>(data_); }
  const std::string& asString() const { return std::get<std::string>(data_); }
  const Binary& asBinary() const { return std::get<Binary>(data_); }
  const Array& asArray() const { return std::get<Array>(data_); }
  Array& asArray() { return std::get<Array>(data_); }
  const Object& asObject() const { return std::get<Object>(data_); }
  Object& asObject() { return std::get<Object>(data_); }

  // Object member lookup; nullptr when absent or not an object.
  const Value* find(std::string_view key) const;
  Value* find(std::string_view key);
  // Object member, appended (as null) when missing; a null value becomes an empty object.
  Value& operator[](std::string_view key);
  // Array element (no bounds check beyond std::vector's at()).
  const Value& operator[](size_t index) const { return asArray().at(index); }
  Value& operator[](size_t index) { return asArray().at(index); }
  // Sets or replaces a member, keeping its position when it exists.
  void set(std::string key, Value value);
  // Appends to an array; a null value becomes an empty array.
  void push(Value value);
  // Elements of an array or members of an object; 0 otherwise.
  size_t size() const;

  // True when this value or anything inside it is binary.
  bool hasBinary() const;
  // JavaScript's truthiness: false for null, false, 0, -0, NaN and ""; true otherwise
  // (arrays, objects and binary included, even empty).
  bool truthy() const;

  // Deep equality; Int 1 and Double 1.0 are different values.
  bool operator==(const Value& other) const { return data_ == other.data_; }

 private:
  std::variant<std::nullptr_t, bool, int64_t, double, std::string, Binary, Array, Object> data_;
};

}  // namespace sio
